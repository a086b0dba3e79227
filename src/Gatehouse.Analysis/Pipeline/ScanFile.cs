namespace Gatehouse.Analysis.Pipeline;

/// <summary>
/// One regular file the pipeline hands to file analyzers: the artifact itself or a member the
/// archive walker extracted (to a temp file named by the walker, never by the entry name).
/// </summary>
public sealed class ScanFile
{
    /// <summary>Nested path, e.g. <c>app.zip!/lib/x.jar!/META-INF/MANIFEST.MF</c>.</summary>
    public required string Path { get; init; }

    /// <summary>Uncompressed size in bytes.</summary>
    public required long Length { get; init; }

    /// <summary>Lower-case hex SHA-256 of the content.</summary>
    public required string Sha256 { get; init; }

    /// <summary>0 for the artifact, 1 for a member of it, and so on.</summary>
    public required int Depth { get; init; }

    /// <summary>Opens the content for reading from the start; each call returns a new stream.</summary>
    public required Func<Stream> Open { get; init; }

    /// <summary>
    /// The whole content when it is held in memory (members up to <c>EngineSettings.InMemoryMemberBytes</c>): valid for
    /// as long as this object lives, so the pipeline may analyse it after the walker moved on, and engines that scan a
    /// buffer (libyara) read it without a copy. Null when the content is a file (<see cref="Open"/> reads it).
    /// </summary>
    public ReadOnlyMemory<byte>? Content { get; init; }

    private Action? _releaseContent;

    /// <summary>Returns <see cref="Content"/>'s pooled buffer; whoever takes it (<see cref="TakeContentRelease"/>) calls it once done.</summary>
    internal Action? ReleaseContent { init => _releaseContent = value; }

    /// <summary>
    /// Takes over returning the pooled <see cref="Content"/> buffer (the pipeline, which analyses the member after the walker
    /// moved on); null when there is none or it was taken already. The walker returns a buffer nobody took once its callback returns.
    /// </summary>
    internal Action? TakeContentRelease() => Interlocked.Exchange(ref _releaseContent, null);

    /// <summary>
    /// Set by the archive walker once it has opened this file as an archive and delivered every member's bytes (no
    /// limit hit, nothing encrypted, corrupt, skipped or left over after the end). Analyzers that scan raw bytes
    /// (<see cref="IFileAnalyzer.SkipsUnpackedArchives"/>: YARA, ClamAV) then see those bytes as members and are not
    /// run on the archive itself; false (the default) for any file the walker does not open or could not read whole.
    /// </summary>
    public bool FullyUnpacked { get; set; }

    /// <summary>
    /// Content type decided by the file-type analyzer (libmagic refined), once it has run. Always set on
    /// the artifact; null on a member whose type could not change a finding and is not judged by the
    /// policy's <c>allowedTypes</c> (see <c>FileTypeDetector.TypeCanMatter</c>).
    /// </summary>
    public string? DetectedType { get; set; }

    /// <summary>The last path segment (entry name inside its archive, or the artifact's name).</summary>
    public string Name => Path[(Path.LastIndexOfAny(['/', '!']) + 1)..];
}
