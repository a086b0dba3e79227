namespace Gatehouse.Analysis.Pipeline;

/// <summary>Runs once per artifact (e.g. the whole file to clamd).</summary>
public interface IArtifactAnalyzer : IAnalyzer
{
    ValueTask AnalyzeAsync(ScanFile artifact, AnalysisContext context, CancellationToken ct);
}
