namespace Gatehouse.Analysis.Pipeline;

/// <summary>
/// Opens an artifact into the files it holds (today the archive walker: zip, tar, gzip, nested), so
/// every file analyzer sees every member. The pipeline takes one as a dependency; its findings (bombs,
/// traversal, corruption) are reported under its own <see cref="IAnalyzer.Id"/>.
/// </summary>
public interface IArtifactExpander : IAnalyzer
{
    /// <summary>
    /// Calls <paramref name="onMember"/> for each extracted member (nested included) and reports the
    /// expander's own findings to <paramref name="report"/>. Does nothing for a file it cannot open.
    /// </summary>
    Task ExpandAsync(ScanFile root, Func<ScanFile, CancellationToken, ValueTask> onMember, Action<Finding> report, CancellationToken ct);

    /// <summary>
    /// As above, knowing the scan: its artifact type, the artifact's path on disk (<see cref="AnalysisContext.ArtifactPath"/>)
    /// and the per-scan facts the expander fills (<see cref="AnalysisContext.Image"/>). The pipeline calls this one; an
    /// expander that needs none of it keeps the default.
    /// </summary>
    Task ExpandAsync(ScanFile root, Func<ScanFile, CancellationToken, ValueTask> onMember, Action<Finding> report, AnalysisContext context, CancellationToken ct) =>
        ExpandAsync(root, onMember, report, ct);
}
