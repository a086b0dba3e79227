namespace Gatehouse.Analysis.Pipeline;

/// <summary>What analyzers see besides the file: the policy, the artifact type, and where findings go.</summary>
public sealed class AnalysisContext
{
    private readonly Action<Finding> _report;

    public AnalysisContext(Policy policy, string artifactType, Action<Finding> report)
    {
        Policy = policy;
        ArtifactType = artifactType;
        _report = report;
    }

    public Policy Policy { get; }

    /// <summary><c>downloadable</c>, <c>web</c>, <c>container</c> or <c>chart</c>.</summary>
    public string ArtifactType { get; }

    /// <summary>Records a finding; the pipeline applies severity overrides from the policy.</summary>
    public void Report(Finding finding) => _report(finding);
}
