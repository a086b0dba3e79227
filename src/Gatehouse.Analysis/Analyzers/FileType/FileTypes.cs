namespace Gatehouse.Analysis.Analyzers.FileType;

/// <summary>
/// The refined MIME types <see cref="FileTypeDetector"/> returns beyond libmagic's own answers
/// (see <c>docs/engines/libmagic.md</c>). Policies (<c>AllowedTypes</c>) are written in these names.
/// </summary>
public static class FileTypes
{
    public const string OctetStream = "application/octet-stream";
    public const string Empty = "application/x-empty";
    public const string PlainText = "text/plain";

    // executables: decided by our own strict header checks, never by a weak libmagic guess
    /// <summary>PE (MZ with <c>PE\0\0</c> at e_lfanew) or a DOS MZ executable.</summary>
    public const string Pe = "application/x-dosexec";
    public const string Elf = "application/x-executable";
    public const string ElfSharedLib = "application/x-sharedlib";
    public const string ElfObject = "application/x-object";
    public const string ElfCore = "application/x-coredump";
    public const string MachO = "application/x-mach-binary";

    // zip and zip-based
    public const string Zip = "application/zip";
    public const string Jar = "application/java-archive";
    public const string War = "application/x-java-war";
    public const string Nupkg = "application/x-nupkg";
    public const string Vsix = "application/vsix";
    public const string Apk = "application/vnd.android.package-archive";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
    public const string Docm = "application/vnd.ms-word.document.macroEnabled.12";
    public const string Xlsm = "application/vnd.ms-excel.sheet.macroEnabled.12";
    public const string Pptm = "application/vnd.ms-powerpoint.presentation.macroEnabled.12";
    public const string Crx = "application/x-chrome-extension";

    // tar and gzip
    public const string Gzip = "application/gzip";
    public const string Tar = "application/x-tar";
    public const string TarGzip = "application/x-tar+gzip";
    public const string OciLayout = "application/vnd.oci.image.layout.v1+tar";
    public const string DockerArchive = "application/x-docker-archive";

    // documents and images
    public const string Pdf = "application/pdf";
    public const string Svg = "image/svg+xml";
    public const string Html = "text/html";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";

    /// <summary>Native code a machine runs directly: PE, ELF (any kind) and Mach-O.</summary>
    public static bool IsExecutable(string mime) => mime is Pe or Elf or ElfSharedLib or ElfObject or ElfCore or MachO
        or "application/vnd.microsoft.portable-executable" or "application/x-pie-executable";

    /// <summary>Zip itself or a format built on zip.</summary>
    public static bool IsZipFamily(string mime) => mime is Zip or Jar or War or Nupkg or Vsix or Apk or Docx or Xlsx or Pptx
        or Docm or Xlsm or Pptm or Crx;

    /// <summary>
    /// Whether <paramref name="mime"/> matches a policy pattern: an exact type, <c>type/*</c>, or
    /// <c>*</c>. Case-insensitive (RFC 2045 §5.1: type and subtype are case-insensitive).
    /// </summary>
    public static bool Matches(string mime, string pattern)
    {
        ArgumentNullException.ThrowIfNull(mime);
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern == "*") return true;
        if (pattern.EndsWith("/*", StringComparison.Ordinal))
            return mime.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase);
        return string.Equals(mime, pattern, StringComparison.OrdinalIgnoreCase);
    }
}
