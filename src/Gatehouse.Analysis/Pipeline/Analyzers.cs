namespace Gatehouse.Analysis.Pipeline;

/// <summary>Common identity of analyzers: recorded in every report (gate parity).</summary>
public interface IAnalyzer
{
    /// <summary>Stable ID, e.g. <c>archive</c>, <c>secrets</c>, <c>malware.clamav</c>.</summary>
    string Id { get; }

    /// <summary>Changes whenever its rules or logic change, so reports say what judged them.</summary>
    string Version { get; }

    /// <summary>Rules this analyzer can report.</summary>
    IReadOnlyList<RuleDescriptor> Rules { get; }
}

/// <summary>Runs on every regular file, nested members included. An exception is recorded as a failure (verdict incomplete), never a pass.</summary>
public interface IFileAnalyzer : IAnalyzer
{
    ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct);
}

/// <summary>Runs once per artifact (e.g. the whole file to clamd).</summary>
public interface IArtifactAnalyzer : IAnalyzer
{
    ValueTask AnalyzeAsync(ScanFile artifact, AnalysisContext context, CancellationToken ct);
}

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
