using System.IO.Compression;

namespace Gatehouse.Analysis.Analyzers.FileType;

/// <summary>
/// Decides a file's type from its content, never its name: libmagic's answer on the first
/// <see cref="HeadBytes"/> bytes, then refined by our own table (scan-engines.md §4: libmagic says
/// <c>application/zip</c> for jar/nupkg/vsix, <c>application/gzip</c> for tgz, <c>application/x-tar</c>
/// for an OCI layout) and overruled by strict header checks for executables. Thread-safe.
/// </summary>
public sealed class FileTypeDetector
{
    /// <summary>Bytes handed to libmagic and to the header checks.</summary>
    public const int HeadBytes = 64 * 1024;

    /// <summary>Bytes a tar walk may read through when the stream cannot seek (gzip is never walked).</summary>
    private const long TarWalkBudget = 256L << 20;

    private readonly LibMagic _magic;

    public FileTypeDetector(LibMagic magic)
    {
        ArgumentNullException.ThrowIfNull(magic);
        _magic = magic;
    }

    /// <summary>Detects the type of a file's content.</summary>
    public FileTypeDetection Detect(Pipeline.ScanFile file) => Detect(file, typeNeeded: true)!;

    /// <summary>
    /// Detects the type of a file's content; when <paramref name="typeNeeded"/> is false, null for a
    /// file whose type could not change any finding (see <see cref="TypeCanMatter"/>).
    /// </summary>
    public FileTypeDetection? Detect(Pipeline.ScanFile file, bool typeNeeded)
    {
        ArgumentNullException.ThrowIfNull(file);
        using var stream = file.Open();
        return Detect(stream, typeNeeded);
    }

    /// <summary>Bytes handed to libmagic for text: its text classifiers cost about 1 ms per KiB on every call.</summary>
    public const int TextMagicBytes = 1024;

    /// <summary>
    /// What libmagic sees: binary content gets the whole head (formats with magic at larger offsets),
    /// text (no NUL in the first KiB) only its first KiB, which is where interpreters, doctypes and XML
    /// roots show; our own table then looks at the whole head for SVG/HTML/scripts.
    /// </summary>
    internal static ReadOnlySpan<byte> MagicWindow(ReadOnlySpan<byte> head)
    {
        if (head.Length <= TextMagicBytes) return head;
        var first = head[..TextMagicBytes];
        return first.Contains((byte)0) ? head : first;
    }

    /// <summary>
    /// Whether the type of content starting with <paramref name="head"/> can decide a finding when the
    /// type itself is not needed (a member, and no <c>allowedTypes</c> list for members). Findings come
    /// from confident types, which our own signatures give (executables, archives, PDF, images), and from
    /// libmagic's HTML, SVG, PDF and zip answers, whose rules all key on bytes checked here: a '&lt;',
    /// "%PDF", or "PK"/"Cr24" at the start. Anything else, such as markup-free source text, would end as
    /// libmagic's unconfident guess that no check reads, so libmagic (about 1 ms a call) is not asked.
    /// </summary>
    internal static bool TypeCanMatter(ReadOnlySpan<byte> head)
    {
        if (ContentSignatures.IsPe(head) || ContentSignatures.ElfType(head) is not null || ContentSignatures.IsMachO(head)
            || ContentSignatures.IsMz(head) || ContentSignatures.IsCrx(head) || head.StartsWith("PK"u8) || ContentSignatures.IsGzip(head)
            || (head.Length >= 512 && ContentSignatures.IsTarHeader(head[..512])) || ContentSignatures.IsPdf(head)
            || ContentSignatures.IsPng(head) || ContentSignatures.IsJpeg(head) || ContentSignatures.IsGif(head))
            return true;
        var window = MagicWindow(head);
        return window.Contains((byte)'<') || window.IndexOf("%PDF"u8) >= 0;
    }

    /// <summary>Detects the type of <paramref name="content"/>, read from its current position (which should be the start).</summary>
    public FileTypeDetection Detect(Stream content) => Detect(content, typeNeeded: true)!;

    /// <summary>
    /// Detects the type of <paramref name="content"/>, read from its current position (which should be
    /// the start); when <paramref name="typeNeeded"/> is false, null if <see cref="TypeCanMatter"/> says
    /// the type could not change a finding.
    /// </summary>
    public FileTypeDetection? Detect(Stream content, bool typeNeeded)
    {
        ArgumentNullException.ThrowIfNull(content);
        var start = content.CanSeek ? content.Position : 0;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(HeadBytes);
        try
        {
            var length = content.ReadAtLeast(buffer.AsSpan(0, HeadBytes), HeadBytes, throwOnEndOfStream: false);
            if (length == 0) return new FileTypeDetection(FileTypes.Empty, FileTypes.Empty, Confident: true);
            if (!typeNeeded && !TypeCanMatter(buffer.AsSpan(0, length))) return null;
            return Detect(content, start, buffer, length);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private FileTypeDetection Detect(Stream content, long start, byte[] buffer, int length)
    {
        ReadOnlySpan<byte> head = buffer.AsSpan(0, length);
        var magic = _magic.MimeType(MagicWindow(head));

        // Executables: strict checks decide, in both directions.
        if (ContentSignatures.IsPe(head)) return new(FileTypes.Pe, magic, true);
        if (ContentSignatures.ElfType(head) is { } elf)
        {
            var mime = elf switch
            {
                1 => FileTypes.ElfObject,
                2 => FileTypes.Elf,
                3 => magic == "application/x-pie-executable" ? FileTypes.Elf : FileTypes.ElfSharedLib,
                4 => FileTypes.ElfCore,
                _ => FileTypes.Elf,
            };
            return new(mime, magic, true);
        }
        if (ContentSignatures.IsMachO(head)) return new(FileTypes.MachO, magic, true);
        // A DOS MZ executable without a PE header: only when libmagic agrees, as text may start with "MZ".
        if (ContentSignatures.IsMz(head) && magic is "application/x-dosexec" or "application/x-msdownload")
            return new(FileTypes.Pe, magic, true);
        if (FileTypes.IsExecutable(magic) || magic is "application/x-mach-binary" or "application/x-dosexec")
            return new(FileTypes.OctetStream, magic, false);   // a weak guess on data without the header

        if (ContentSignatures.IsCrx(head)) return new(FileTypes.Crx, magic, true);
        if (ContentSignatures.IsZip(head) || FileTypes.IsZipFamily(magic) || magic.StartsWith("application/vnd.openxmlformats", StringComparison.Ordinal))
            return Zip(content, start, magic, ContentSignatures.IsZip(head));
        if (ContentSignatures.IsGzip(head)) return new(GzipHoldsTar(buffer, length) ? FileTypes.TarGzip : FileTypes.Gzip, magic, true);
        if (length >= 512 && ContentSignatures.IsTarHeader(head[..512]))
        {
            if (!content.CanSeek) return new(FileTypes.Tar, magic, true);
            content.Position = start;
            return new(ContainerProbe.Tar(content, TarWalkBudget), magic, true);
        }
        if (ContentSignatures.IsPdf(head)) return new(FileTypes.Pdf, magic, true);
        if (ContentSignatures.IsPng(head)) return new(FileTypes.Png, magic, true);
        if (ContentSignatures.IsJpeg(head)) return new(FileTypes.Jpeg, magic, true);
        if (ContentSignatures.IsGif(head)) return new(FileTypes.Gif, magic, true);

        if (magic.StartsWith("text/", StringComparison.Ordinal) || magic.Contains("xml", StringComparison.Ordinal))
        {
            var text = ContentSignatures.Text(head);
            if (ContentSignatures.IsSvg(text)) return new(FileTypes.Svg, magic, true);
            if (ContentSignatures.IsHtml(text)) return new(FileTypes.Html, magic, true);
            if (magic == FileTypes.Svg) return new(FileTypes.Svg, magic, false);
        }
        return new(magic, magic, false);
    }

    private static FileTypeDetection Zip(Stream content, long start, string magic, bool zipMagic)
    {
        if (!content.CanSeek) return new(zipMagic ? FileTypes.Zip : magic, magic, zipMagic);
        content.Position = start;
        if (ContainerProbe.Zip(content) is not { } zip) return new(zipMagic ? FileTypes.Zip : magic, magic, zipMagic);
        return new(zip.Mime, magic, true) { HasMacros = zip.HasMacros };
    }

    /// <summary>Whether the gzip's first decompressed block is a tar header (a tgz), from the head only.</summary>
    private static bool GzipHoldsTar(byte[] buffer, int length)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(buffer, 0, length, writable: false), CompressionMode.Decompress);
            var block = new byte[512];
            return gzip.ReadAtLeast(block, 512, throwOnEndOfStream: false) == 512 && ContentSignatures.IsTarHeader(block);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return false;
        }
    }
}
