namespace Gatehouse.Analysis.Pipeline;

/// <summary>Runs on every regular file, nested members included. An exception is recorded as a failure (verdict incomplete), never a pass.</summary>
public interface IFileAnalyzer : IAnalyzer
{
    ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct);

    /// <summary>
    /// True for engines that scan raw bytes (YARA, ClamAV): on an archive the walker unpacked completely
    /// (<see cref="ScanFile.FullyUnpacked"/>) every byte already reaches them as members, so the pipeline does not run
    /// them on the archive too (issue 15). An archive the walker cannot open or could not read whole is still scanned whole.
    /// </summary>
    bool SkipsUnpackedArchives => false;
}
