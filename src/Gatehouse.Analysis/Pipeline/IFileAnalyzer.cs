namespace Gatehouse.Analysis.Pipeline;

/// <summary>Runs on every regular file, nested members included. An exception is recorded as a failure (verdict incomplete), never a pass.</summary>
public interface IFileAnalyzer : IAnalyzer
{
    ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct);
}
