using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Analyzers.Coverage;

/// <summary>
/// Fails closed for an artifact type whose own checks do not exist yet: a Helm chart scanned today gets the archive, malware
/// and secret checks every file gets, but nothing renders it or checks its manifests (issue 18), so it must never pass.
/// The analyzer fails on such a scan, and the verdict is <c>incomplete</c> with the reason; other types are untouched.
/// </summary>
public sealed class UncheckedTypeAnalyzer : IArtifactAnalyzer
{
    /// <summary>Artifact types (<c>gatehouse check --type</c>) with no type-specific checks yet, and what is missing.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unchecked = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["chart"] = "Helm chart checks (rendering with Helm, Kubernetes manifest rules, schema validation) are not implemented yet, so a chart cannot pass",
        ["helm-chart"] = "Helm chart checks (rendering with Helm, Kubernetes manifest rules, schema validation) are not implemented yet, so a chart cannot pass",
    };

    public string Id => "apptype";

    public string Version => "1.0.0";

    public IReadOnlyList<RuleDescriptor> Rules => [];

    public ValueTask AnalyzeAsync(ScanFile artifact, AnalysisContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Unchecked.TryGetValue(context.ArtifactType, out var missing))
            throw new NotSupportedException(missing);
        return ValueTask.CompletedTask;
    }
}
