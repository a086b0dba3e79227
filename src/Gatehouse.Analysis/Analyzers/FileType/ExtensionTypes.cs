namespace Gatehouse.Analysis.Analyzers.FileType;

/// <summary>
/// What content each file extension may hold (patterns as in <see cref="FileTypes.Matches"/>). An
/// extension not listed here is never flagged: the table names only extensions whose content family
/// is unambiguous. Data, not logic: extend it here and in <c>docs/rules/filetype.mismatch.md</c>.
/// </summary>
internal static class ExtensionTypes
{
    private static readonly string[] Text = ["text/*", "application/json", "application/xml", "application/javascript",
        "application/x-empty", FileTypes.Svg, "application/x-ndjson", "message/*"];

    private static readonly string[] ZipAny = [FileTypes.Zip, FileTypes.Jar, FileTypes.War, FileTypes.Nupkg, FileTypes.Vsix,
        FileTypes.Apk, FileTypes.Docx, FileTypes.Xlsx, FileTypes.Pptx, FileTypes.Docm, FileTypes.Xlsm, FileTypes.Pptm];

    private static readonly string[] PeTypes = [FileTypes.Pe, "application/vnd.microsoft.portable-executable"];
    private static readonly string[] ElfTypes = [FileTypes.Elf, FileTypes.ElfSharedLib, FileTypes.ElfObject];

    private static readonly Dictionary<string, string[]> s_table = Build();

    /// <summary>The acceptable content types for the file's name, or null when its extension is not in the table.</summary>
    public static IReadOnlyList<string>? For(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.ToLowerInvariant();
        if (lower.EndsWith(".tar.gz", StringComparison.Ordinal)) return s_table[".tgz"];
        var dot = lower.LastIndexOf('.');
        if (dot <= 0 || dot == lower.Length - 1) return null;   // no extension, or a dot file such as ".env"
        return s_table.GetValueOrDefault(lower[dot..]);
    }

    private static Dictionary<string, string[]> Build()
    {
        var t = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Add(string[] types, params string[] extensions)
        {
            foreach (var e in extensions) t[e] = types;
        }

        // images (an SVG is only acceptable as .svg: it is a document that can run script)
        Add([FileTypes.Png, "image/apng"], ".png");
        Add([FileTypes.Jpeg], ".jpg", ".jpeg", ".jpe", ".jfif");
        Add([FileTypes.Gif], ".gif");
        Add(["image/webp"], ".webp");
        Add(["image/bmp", "image/x-ms-bmp"], ".bmp");
        Add(["image/vnd.microsoft.icon", "image/x-icon", FileTypes.Png], ".ico");
        Add([FileTypes.Svg, "text/xml", "application/xml", "text/plain"], ".svg");
        Add(["image/tiff"], ".tif", ".tiff");
        // documents
        Add([FileTypes.Pdf], ".pdf");
        Add([FileTypes.Docx, FileTypes.Zip], ".docx");
        Add([FileTypes.Xlsx, FileTypes.Zip], ".xlsx");
        Add([FileTypes.Pptx, FileTypes.Zip], ".pptx");
        Add([FileTypes.Docm, FileTypes.Docx, FileTypes.Zip], ".docm");
        Add([FileTypes.Xlsm, FileTypes.Xlsx, FileTypes.Zip], ".xlsm");
        Add([FileTypes.Pptm, FileTypes.Pptx, FileTypes.Zip], ".pptm");
        // text: source, config, docs (any text type, since libmagic's text subtypes are guesses)
        Add(Text, ".txt", ".md", ".markdown", ".rst", ".csv", ".tsv", ".log", ".json", ".xml", ".yaml", ".yml", ".toml", ".ini",
            ".cfg", ".conf", ".properties", ".html", ".htm", ".css", ".js", ".mjs", ".cjs", ".ts", ".py", ".rb", ".php", ".java",
            ".cs", ".go", ".rs", ".c", ".h", ".cpp", ".hpp", ".sql", ".sh", ".bash", ".ps1", ".bat", ".cmd", ".gradle", ".kt",
            ".swift", ".lock", ".license", ".pem", ".crt", ".csr");
        // archives
        Add(ZipAny, ".zip");
        Add([FileTypes.Jar, FileTypes.War, FileTypes.Zip], ".jar", ".war", ".ear");
        Add([FileTypes.Nupkg, FileTypes.Zip], ".nupkg", ".snupkg");
        Add([FileTypes.Vsix, FileTypes.Zip], ".vsix");
        Add([FileTypes.Apk, FileTypes.Jar, FileTypes.Zip], ".apk");
        Add([FileTypes.Crx], ".crx");
        Add([FileTypes.TarGzip, FileTypes.Gzip], ".tgz");
        Add([FileTypes.Gzip, FileTypes.TarGzip], ".gz");
        Add([FileTypes.Tar, FileTypes.OciLayout, FileTypes.DockerArchive], ".tar");
        // native code
        Add(PeTypes, ".exe", ".dll", ".sys", ".scr", ".ocx", ".cpl", ".efi");
        Add(ElfTypes, ".so", ".o", ".elf");
        Add([FileTypes.MachO], ".dylib");
        Add(["application/wasm"], ".wasm");
        Add(["application/x-java-applet", "application/x-java-vm"], ".class");
        return t;
    }
}
