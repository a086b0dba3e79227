using System.Text;
using System.Text.RegularExpressions;

namespace Gatehouse.Analysis.Analyzers.FileType;

/// <summary>
/// Finds active content (script) in SVG, HTML and PDF text. Pure; every pattern runs with
/// <see cref="RegexOptions.NonBacktracking"/>, so time is linear in the (bounded) text whatever an
/// attacker puts in it. Returns short reasons, e.g. <c>&lt;script&gt; element</c>.
/// </summary>
internal static class ActiveContent
{
    /// <summary>
    /// Extensions of files that are read as text, not rendered by a browser: Markdown and other documentation markup,
    /// plain text, and source code. HTML or SVG bytes under these names are an example or a template, not a page.
    /// </summary>
    private static readonly HashSet<string> s_inertTextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".md", ".markdown", ".mdown", ".mkd", ".mdx", ".rst", ".adoc", ".asciidoc", ".txt", ".text", ".textile", ".org",
        ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx", ".map", ".json", ".vue", ".svelte",
        ".py", ".rb", ".php", ".java", ".kt", ".scala", ".cs", ".vb", ".fs", ".go", ".rs", ".c", ".h", ".cc", ".cpp", ".hpp",
        ".m", ".swift", ".pl", ".pm", ".lua", ".sh", ".bash", ".ps1", ".r", ".dart", ".ex", ".exs", ".erl", ".clj",
        ".css", ".scss", ".sass", ".less", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".erb", ".ejs", ".hbs", ".mustache",
        ".njk", ".liquid", ".twig", ".jinja", ".j2", ".tmpl", ".tpl", ".razor", ".cshtml", ".jsp", ".aspx",
    };

    /// <summary>True when <paramref name="name"/> is a Markdown, text or source file: never active content.</summary>
    public static bool IsInertTextName(string name)
    {
        var extension = System.IO.Path.GetExtension(name ?? "");
        return extension.Length > 0 && s_inertTextExtensions.Contains(extension);
    }

    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;

    // <script>, also namespaced (<svg:script>, <html:script>)
    private static readonly Regex s_script = new(@"<([a-z_][\w.-]*:)?script[\s>/]", Options);
    // an on* event handler attribute inside a tag (onload=, onclick=, onbegin= ...)
    private static readonly Regex s_handler = new(@"<[a-z_][^<>]*\son[a-z]{3,}\s*=", Options);
    // a javascript:/vbscript: URL in an attribute that navigates or animates (href, xlink:href, src, values ...)
    private static readonly Regex s_scriptUrl = new(
        @"\s(?:[a-z_][\w.-]*:)?(?:href|src|action|formaction|to|from|values|by|data)\s*=\s*[""']?\s*(?:javascript|vbscript)\s*:", Options);
    // <foreignObject> lets SVG embed arbitrary (X)HTML
    private static readonly Regex s_foreignObject = new(@"<([a-z_][\w.-]*:)?foreignObject[\s>/]", Options);
    private static readonly Regex s_htmlInside = new(
        @"http://www\.w3\.org/1999/xhtml|<([a-z_][\w.-]*:)?(iframe|embed|object|body|html)[\s>/]", Options);
    // PDF: /JavaScript anywhere, or an automatic action (/OpenAction, /AA) next to /JS
    private static readonly Regex s_pdfJavaScript = new(@"/JavaScript\b", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    private static readonly Regex s_pdfJs = new(@"/JS\b", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    private static readonly Regex s_pdfAutoAction = new(@"/(OpenAction|AA)\b", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    // PDF names may hex-escape any character: /J#61vaScript is /JavaScript (ISO 32000-1 §7.3.5)
    private static readonly Regex s_pdfNameEscape = new(@"#([0-9A-Fa-f]{2})", RegexOptions.CultureInvariant);

    /// <summary>Script in an SVG: script elements, event handlers, script URLs, foreignObject with HTML.</summary>
    public static IReadOnlyList<string> InSvg(string text)
    {
        var reasons = new List<string>();
        if (s_script.IsMatch(text)) reasons.Add("<script> element");
        if (s_handler.IsMatch(text)) reasons.Add("on* event handler attribute");
        if (s_scriptUrl.IsMatch(text)) reasons.Add("javascript: URL");
        if (s_foreignObject.IsMatch(text) && s_htmlInside.IsMatch(text)) reasons.Add("<foreignObject> with HTML");
        return reasons;
    }

    /// <summary>Script in an HTML document: script elements, event handlers, script URLs.</summary>
    public static IReadOnlyList<string> InHtml(string text)
    {
        var reasons = new List<string>();
        if (s_script.IsMatch(text)) reasons.Add("<script> element");
        if (s_handler.IsMatch(text)) reasons.Add("on* event handler attribute");
        if (s_scriptUrl.IsMatch(text)) reasons.Add("javascript: URL");
        return reasons;
    }

    /// <summary>JavaScript in a PDF: a /JavaScript action, or /JS with /OpenAction or /AA (runs on open).</summary>
    public static IReadOnlyList<string> InPdf(string text)
    {
        if (text.Contains('#', StringComparison.Ordinal))
            text = s_pdfNameEscape.Replace(text, m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        var reasons = new List<string>();
        if (s_pdfJavaScript.IsMatch(text)) reasons.Add("/JavaScript action");
        if (s_pdfJs.IsMatch(text) && s_pdfAutoAction.IsMatch(text)) reasons.Add("/OpenAction or /AA with /JS");
        return reasons;
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> as byte-preserving text (Latin-1).</summary>
    public static string ReadText(Stream stream, int maxBytes)
    {
        var size = stream.CanSeek ? (int)Math.Min(maxBytes, Math.Max(0, stream.Length - stream.Position)) : maxBytes;
        var buffer = new byte[size];
        var n = stream.ReadAtLeast(buffer, size, throwOnEndOfStream: false);
        return Encoding.Latin1.GetString(buffer, 0, n);
    }
}
