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
}
