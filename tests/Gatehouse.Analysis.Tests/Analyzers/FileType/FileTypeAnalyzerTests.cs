using Gatehouse.Analysis.Analyzers.FileType;
using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Analysis.Tests.Analyzers.FileType.FileTypeSamples;

namespace Gatehouse.Analysis.Tests.Analyzers.FileType;

public sealed class FileTypeAnalyzerTests
{
    private static readonly FileTypeAnalyzer s_analyzer = new(new FileTypeDetector(new LibMagic()));

    private static List<Finding> Run(string path, byte[] content, Policy? policy = null, string artifactType = "downloadable", int depth = 1) =>
        AnalyzerHarness.Run(s_analyzer, path, content, policy, artifactType, depth);

    [Fact]
    public void A_PE_executable_named_png_is_a_mismatch()
    {
        var f = Assert.Single(Run("app.zip!/assets/logo.png", Pe()));
        Assert.Equal("filetype.mismatch", f.RuleId);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal("GH-FILE-1", f.RequirementId);
        Assert.Equal("filetype", f.AnalyzerId);
        Assert.Contains("application/x-dosexec", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ELF_executable_named_txt_is_a_mismatch() =>
        Assert.Equal("filetype.mismatch", Assert.Single(Run("app.zip!/README.txt", Elf())).RuleId);

    [Fact]
    public void A_zip_named_png_is_a_mismatch() =>
        Assert.Equal("filetype.mismatch", Assert.Single(Run("app.zip!/img/banner.png", Jar())).RuleId);

    [Fact]
    public void HTML_named_jpg_is_a_mismatch() =>
        Assert.Contains(Run("app.zip!/photo.jpg", Utf8(PlainHtml)), f => f.RuleId == "filetype.mismatch");

    [Fact]
    public void A_real_PNG_named_png_gives_no_finding_and_sets_the_detected_type()
    {
        var file = AnalyzerHarness.File("app.zip!/logo.png", Png(), depth: 1);
        Assert.Empty(AnalyzerHarness.Run(s_analyzer, file));
        Assert.Equal("image/png", file.DetectedType);
    }

    [Fact]
    public void A_plain_text_member_is_not_typed_unless_a_type_list_judges_it()
    {
        var text = Utf8("def main():\n    return 42\n");
        var member = AnalyzerHarness.File("app.zip!/tool.py", text, depth: 1);
        Assert.Empty(AnalyzerHarness.Run(s_analyzer, member));
        Assert.Null(member.DetectedType);

        var artifact = AnalyzerHarness.File("tool.py", text, depth: 0);
        Assert.Empty(AnalyzerHarness.Run(s_analyzer, artifact));
        Assert.StartsWith("text/", artifact.DetectedType, StringComparison.Ordinal);

        var policy = Policy.Default with { AllowedTypes = new Dictionary<string, IReadOnlyList<string>> { ["downloadable:members"] = ["!text/*"] } };
        var judged = AnalyzerHarness.File("app.zip!/tool.py", text, depth: 1);
        Assert.Equal("filetype.disallowed", Assert.Single(AnalyzerHarness.Run(s_analyzer, judged, policy)).RuleId);
    }

    [Theory]
    [InlineData("<p>hello</p>")]
    [InlineData("see %PDF-1.7 below")]
    [InlineData("PK")]
    public void A_member_with_what_libmagic_rules_key_on_is_typed(string content) =>
        Assert.True(FileTypeDetector.TypeCanMatter(System.Text.Encoding.ASCII.GetBytes(content)));

    [Fact]
    public void A_file_with_an_unknown_extension_is_never_a_mismatch() => Assert.Empty(Run("app.zip!/data.blob", Pe()));

    [Fact]
    public void A_PE_named_exe_is_not_a_mismatch() => Assert.Empty(Run("app.zip!/bin/tool.exe", Pe()));

    [Fact]
    public void A_mismatch_fingerprint_is_the_same_on_a_rescan()
    {
        var a = Assert.Single(Run("app.zip!/logo.png", Pe()));
        var b = Assert.Single(Run("app.zip!/logo.png", Pe()));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
    }

    [Fact]
    public void An_SVG_with_a_script_element_is_active_content_and_High_when_named_as_an_image()
    {
        var f = Assert.Single(Run("app.zip!/icons/logo.svg", Utf8(SvgWithScript)));
        Assert.Equal("content.active", f.RuleId);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains("<script>", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_SVG_with_an_onload_handler_is_active_content() =>
        Assert.Equal("content.active", Assert.Single(Run("app.zip!/icons/logo.svg", Utf8(SvgWithOnload))).RuleId);

    [Fact]
    public void An_SVG_with_a_javascript_URL_is_active_content() =>
        Assert.Equal("content.active", Assert.Single(Run("app.zip!/a.svg",
            Utf8("""<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>"""))).RuleId);

    [Fact]
    public void An_SVG_with_HTML_in_a_foreignObject_is_active_content() =>
        Assert.Equal("content.active", Assert.Single(Run("app.zip!/a.svg",
            Utf8("""<svg xmlns="http://www.w3.org/2000/svg"><foreignObject width="100" height="100"><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="https://evil.example"></iframe></body></foreignObject></svg>"""))).RuleId);

    [Fact]
    public void A_plain_SVG_gives_nothing() => Assert.Empty(Run("app.zip!/icons/logo.svg", Utf8(PlainSvg)));

    [Fact]
    public void An_SVG_with_script_not_named_as_an_image_is_Medium() =>
        Assert.Equal(Severity.Medium, Assert.Single(Run("app.zip!/drawing.xml", Utf8(SvgWithScript))).Severity);

    [Fact]
    public void HTML_with_script_in_a_downloadable_is_Medium_active_content()
    {
        var f = Assert.Single(Run("app.zip!/docs/index.html", Utf8(HtmlWithScript)));
        Assert.Equal("content.active", f.RuleId);
        Assert.Equal(Severity.Medium, f.Severity);
    }

    [Fact]
    public void HTML_with_script_in_a_container_image_is_not_reported() =>
        Assert.Empty(Run("layer0!/usr/share/doc/index.html", Utf8(HtmlWithScript), artifactType: "container"));

    [Theory]
    [InlineData("app.zip!/README.md")]
    [InlineData("app.zip!/docs/usage.markdown")]
    [InlineData("app.zip!/notes.txt")]
    [InlineData("app.zip!/src/render.js")]
    [InlineData("app.zip!/types/index.d.ts")]
    [InlineData("app.zip!/views/page.ejs")]
    public void Markdown_text_and_source_files_showing_script_are_not_active_content(string path) =>
        // A README that shows a <script> snippet is read, not rendered: libmagic may call its bytes HTML, no browser runs them.
        Assert.DoesNotContain(Run(path, Utf8(HtmlWithScript)), f => f.RuleId == "content.active");

    [Theory]
    [InlineData("app.zip!/docs/page")]
    [InlineData("app.zip!/docs/page.xhtml")]
    [InlineData("app.zip!/docs/page.htm")]
    public void HTML_with_script_under_any_other_name_is_still_active_content(string path) =>
        Assert.Contains(Run(path, Utf8(HtmlWithScript)), f => f.RuleId == "content.active");

    [Fact]
    public void HTML_without_script_gives_nothing() => Assert.Empty(Run("app.zip!/docs/index.html", Utf8(PlainHtml)));

    [Fact]
    public void A_docm_like_zip_with_a_vba_project_is_active_content()
    {
        var f = Assert.Single(Run("app.zip!/manual.docm", Docx(macros: true)));
        Assert.Equal("content.active", f.RuleId);
        Assert.Contains("vbaProject.bin", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PDF_that_runs_JavaScript_on_open_is_active_content() =>
        Assert.Equal("content.active", Assert.Single(Run("app.zip!/manual.pdf", PdfWithJavaScript())).RuleId);

    [Fact]
    public void A_PDF_with_a_hex_escaped_JavaScript_name_is_active_content() =>
        Assert.Equal("content.active", Assert.Single(Run("app.zip!/m.pdf", Utf8("%PDF-1.4\n1 0 obj << /S /J#61vaScript /JS (x) >> endobj\n%%EOF\n"))).RuleId);

    [Fact]
    public void An_artifact_type_not_allowed_by_policy_is_disallowed()
    {
        var policy = Policy.Default with
        {
            AllowedTypes = new Dictionary<string, IReadOnlyList<string>> { ["downloadable"] = [FileTypes.Zip, FileTypes.TarGzip] },
        };
        var f = Assert.Single(Run("tool.exe", Pe(), policy, depth: 0));
        Assert.Equal("filetype.disallowed", f.RuleId);
        Assert.Equal(Severity.High, f.Severity);
        Assert.Equal("GH-FILE-1", f.RequirementId);
    }

    [Fact]
    public void An_allowed_artifact_type_gives_nothing()
    {
        var policy = Policy.Default with
        {
            AllowedTypes = new Dictionary<string, IReadOnlyList<string>> { ["downloadable"] = [FileTypes.Zip, FileTypes.TarGzip] },
        };
        Assert.Empty(Run("app.tgz", Tgz(), policy, depth: 0));
    }

    [Fact]
    public void The_artifact_list_does_not_apply_to_members()
    {
        var policy = Policy.Default with
        {
            AllowedTypes = new Dictionary<string, IReadOnlyList<string>> { ["downloadable"] = [FileTypes.Zip] },
        };
        Assert.Empty(Run("app.zip!/README.txt", Utf8("hello\n"), policy, depth: 1));
    }

    [Fact]
    public void A_member_denied_by_the_members_list_is_disallowed_and_others_are_not()
    {
        var policy = Policy.Default with
        {
            AllowedTypes = new Dictionary<string, IReadOnlyList<string>>
            {
                ["downloadable:members"] = ["!application/x-dosexec", "!application/x-executable", "!application/x-sharedlib"],
            },
        };
        Assert.Equal("filetype.disallowed", Assert.Single(Run("app.zip!/bin/tool.exe", Pe(), policy)).RuleId);
        Assert.Empty(Run("app.zip!/README.txt", Utf8("hello\n"), policy));
    }

    [Theory]
    [InlineData("application/zip", new[] { "application/zip" }, true)]
    [InlineData("text/html", new[] { "text/*" }, true)]
    [InlineData("application/x-dosexec", new[] { "*", "!application/x-dosexec" }, false)]
    [InlineData("text/plain", new[] { "!application/x-dosexec" }, true)]
    [InlineData("image/png", new[] { "application/zip" }, false)]
    public void Allowed_type_lists_match_patterns_and_denials_win(string mime, string[] list, bool allowed) =>
        Assert.Equal(allowed, FileTypeAnalyzer.IsAllowed(mime, list));

    [Fact]
    public void Active_content_scanning_stays_fast_on_hostile_markup()
    {
        // 8 MiB of unclosed tag openings: a backtracking regex would be quadratic here.
        var hostile = "<svg xmlns=\"http://www.w3.org/2000/svg\">" + string.Concat(Enumerable.Repeat("<a b ", 1_600_000));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Run("app.zip!/evil.svg", Utf8(hostile));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"took {sw.Elapsed}");
    }
}
