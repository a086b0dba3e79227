using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Analyzers.FileType;

/// <summary>
/// Types every file from its content (libmagic refined by <see cref="FileTypeDetector"/>), sets
/// <see cref="ScanFile.DetectedType"/> for later analyzers, and judges: a name that lies about the
/// content (<c>filetype.mismatch</c>), a type the policy does not allow (<c>filetype.disallowed</c>),
/// and script or macros inside documents and images (<c>content.active</c>).
/// </summary>
public sealed class FileTypeAnalyzer : IFileAnalyzer
{
    public const string MismatchRuleId = "filetype.mismatch";
    public const string DisallowedRuleId = "filetype.disallowed";
    public const string ActiveContentRuleId = "content.active";
    private const string Requirement = "GH-FILE-1";

    /// <summary>Policy key suffix for member rules: <c>AllowedTypes["downloadable:members"]</c> applies to files inside the artifact.</summary>
    public const string MembersKeySuffix = ":members";

    /// <summary>Text scanned for active content per file (the head of larger files only).</summary>
    public const int MaxActiveContentBytes = 8 << 20;

    public static readonly RuleDescriptor MismatchRule = new(MismatchRuleId, "File name contradicts its content", Severity.High, Requirement,
        "The file's extension promises one kind of content (e.g. .png) but the content is another (e.g. a PE executable). "
        + "Disguised executables and archives are a classic way to slip code past reviewers. Rename the file to what it is, or remove it.");

    public static readonly RuleDescriptor DisallowedRule = new(DisallowedRuleId, "File type not allowed for this app type", Severity.High, Requirement,
        "The policy's AllowedTypes lists the file types an app type may upload (and, under \"<type>:members\", which types may appear inside it). "
        + "This file's detected type is not allowed. Upload the artifact in an allowed format.");

    public static readonly RuleDescriptor ActiveRule = new(ActiveContentRuleId, "Active content (script or macros) in a document or image", Severity.Medium, Requirement,
        "An SVG or HTML file with script (script elements, on* handlers, javascript: URLs, foreignObject with HTML), a PDF with JavaScript, "
        + "or an Office file with VBA macros. An SVG with script named as an image is High: images are rendered inline, where the script runs. "
        + "Remove the script, or ship the content as inert data.");

    private static readonly string[] s_imageExtensions = [".svg", ".svgz", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico", ".bmp"];

    private readonly Func<FileTypeDetector> _detector;

    /// <summary>Types files with the libmagic <paramref name="magic"/> returns, asked on the first file (a missing libmagic fails that file's analysis, never passes it).</summary>
    public FileTypeAnalyzer(Func<LibMagic> magic)
    {
        ArgumentNullException.ThrowIfNull(magic);
        FileTypeDetector? detector = null;
        _detector = () => detector ??= new FileTypeDetector(magic());
    }

    public FileTypeAnalyzer(FileTypeDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        _detector = () => detector;
    }

    public string Id => "filetype";

    public string Version => "1.1.0"; // 1.1.0: Markdown, text and source files are never active content (issue 15)

    /// <summary>Every rule this analyzer can report, for <c>gatehouse rules</c>, SARIF and docs.</summary>
    public static IReadOnlyList<RuleDescriptor> AllRules { get; } = [MismatchRule, DisallowedRule, ActiveRule];

    public IReadOnlyList<RuleDescriptor> Rules => AllRules;

    public ValueTask AnalyzeAsync(ScanFile file, AnalysisContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(context);
        ct.ThrowIfCancellationRequested();

        // The artifact's type is reported, and a type list in the policy judges every file; otherwise a
        // member's type only matters where it can decide a finding (FileTypeDetector.TypeCanMatter).
        var typeNeeded = file.Depth == 0
            || (context.Policy.AllowedTypes.TryGetValue(AllowedTypesKey(file, context), out var list) && list.Count > 0);
        var detection = _detector().Detect(file, typeNeeded);
        if (detection is null) return ValueTask.CompletedTask; // DetectedType stays unset: nothing reads a member's
        file.DetectedType = detection.Mime;

        CheckMismatch(file, detection, context);
        CheckAllowed(file, detection, context);
        ct.ThrowIfCancellationRequested();
        CheckActiveContent(file, detection, context);
        return ValueTask.CompletedTask;
    }

    private void CheckMismatch(ScanFile file, FileTypeDetection detection, AnalysisContext context)
    {
        // Only a type our own checks confirmed can contradict a name (a weak libmagic guess must not block).
        if (!detection.Confident || detection.Mime == FileTypes.Empty) return;
        var acceptable = ExtensionTypes.For(file.Name);
        if (acceptable is null || acceptable.Any(p => FileTypes.Matches(detection.Mime, p))) return;
        var extension = Extension(file.Name);
        context.Report(new Finding(MismatchRuleId, MismatchRule.DefaultSeverity, file.Path,
            $"{file.Path} is named {extension} but its content is {detection.Mime}",
            Fingerprints.Of(MismatchRuleId, file.Path, extension, detection.Mime, file.Sha256))
        {
            RequirementId = Requirement,
            AnalyzerId = Id,
            Evidence = $"libmagic: {detection.MagicMime}",
        });
    }

    /// <summary>
    /// The artifact (depth 0) is judged by <c>AllowedTypes[artifactType]</c>; members by
    /// <c>AllowedTypes[artifactType + ":members"]</c>. A list entry is a pattern (exact, <c>type/*</c>,
    /// <c>*</c>); an entry starting with <c>!</c> denies. Denials win; a list with any allow entry
    /// allows only what matches one; a list of denials only allows everything else. No list: any type.
    /// </summary>
    private void CheckAllowed(ScanFile file, FileTypeDetection detection, AnalysisContext context)
    {
        var key = AllowedTypesKey(file, context);
        if (!context.Policy.AllowedTypes.TryGetValue(key, out var list) || list.Count == 0) return;
        if (IsAllowed(detection.Mime, list)) return;
        var what = file.Depth == 0 ? $"a {context.ArtifactType} upload" : $"a file inside a {context.ArtifactType} upload";
        context.Report(new Finding(DisallowedRuleId, DisallowedRule.DefaultSeverity, file.Path,
            $"{file.Path} is {detection.Mime}, which the policy does not allow as {what}",
            Fingerprints.Of(DisallowedRuleId, file.Path, key, detection.Mime, file.Sha256))
        {
            RequirementId = Requirement,
            AnalyzerId = Id,
        });
    }

    private static string AllowedTypesKey(ScanFile file, AnalysisContext context) =>
        file.Depth == 0 ? context.ArtifactType : context.ArtifactType + MembersKeySuffix;

    internal static bool IsAllowed(string mime, IReadOnlyList<string> list)
    {
        var anyAllow = false;
        foreach (var entry in list)
        {
            if (entry.StartsWith('!'))
            {
                if (FileTypes.Matches(mime, entry[1..])) return false;
            }
            else
            {
                anyAllow = true;
            }
        }
        return !anyAllow || list.Any(e => !e.StartsWith('!') && FileTypes.Matches(mime, e));
    }

    /// <summary>
    /// In a downloadable, all active content is reported (Medium). In other artifact types (container
    /// images, charts: web apps legitimately ship HTML with script) only an SVG with script named as
    /// an image is, since images are rendered inline and the script runs there (High).
    /// </summary>
    private void CheckActiveContent(ScanFile file, FileTypeDetection detection, AnalysisContext context)
    {
        var downloadable = string.Equals(context.ArtifactType, "downloadable", StringComparison.OrdinalIgnoreCase);
        // Active content is what a browser would run. A README whose Markdown shows a <script> snippet, or a source file
        // that builds HTML, is read as text and never rendered as a page, whatever libmagic calls its bytes.
        if (ActiveContent.IsInertTextName(file.Name)) return;
        IReadOnlyList<string> reasons;
        var severity = Severity.Medium;
        switch (detection.Mime)
        {
            case FileTypes.Svg:
                reasons = ActiveContent.InSvg(ReadText(file));
                if (reasons.Count > 0 && NamedAsImage(file.Name)) severity = Severity.High;
                else if (!downloadable) return;
                break;
            case FileTypes.Html when downloadable:
                reasons = ActiveContent.InHtml(ReadText(file));
                break;
            case FileTypes.Pdf when downloadable:
                reasons = ActiveContent.InPdf(ReadText(file));
                break;
            default:
                if (!downloadable || !detection.HasMacros) return;
                reasons = ["VBA macros (vbaProject.bin)"];
                break;
        }
        if (reasons.Count == 0) return;
        var kind = detection.Mime switch
        {
            FileTypes.Svg => "SVG",
            FileTypes.Html => "HTML",
            FileTypes.Pdf => "PDF",
            _ => "Office document",
        };
        context.Report(new Finding(ActiveContentRuleId, severity, file.Path,
            $"{kind} {file.Path} contains active content: {string.Join(", ", reasons)}",
            Fingerprints.Of(ActiveContentRuleId, file.Path, file.Sha256))
        {
            RequirementId = Requirement,
            AnalyzerId = Id,
            Evidence = string.Join(", ", reasons),
        });
    }

    private static string ReadText(ScanFile file)
    {
        using var stream = file.Open();
        return ActiveContent.ReadText(stream, MaxActiveContentBytes);
    }

    private static bool NamedAsImage(string name) =>
        s_imageExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private static string Extension(string name)
    {
        if (name.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)) return ".tar.gz";
        var dot = name.LastIndexOf('.');
        return dot < 0 ? "" : name[dot..].ToLowerInvariant();
    }
}
