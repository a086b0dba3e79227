using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Gatehouse.Cli;

namespace Gatehouse.Cli.Tests.Check;

/// <summary>
/// <c>gatehouse check</c> end to end: real engines (clamd from test.sh, libyara, libmagic), exit codes,
/// and output that validates against the official SARIF 2.1.0 schema and our report schema (ajv).
/// </summary>
public sealed class CheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-check-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Clamd => Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
        ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it.");

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Gatehouse.slnx"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var env = new CliEnvironment { Out = o, Err = e, ConfigDirectory = Path.Combine(_dir, "config") };
        var code = await CliApp.RunAsync(args, env);
        return (code, o.ToString(), e.ToString());
    }

    private string Write(string name, byte[] content)
    {
        var p = Path.Combine(_dir, name);
        File.WriteAllBytes(p, content);
        return p;
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var ms = new MemoryStream();
        using (var z = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in entries)
                using (var s = z.CreateEntry(name).Open()) s.Write(content);
        return ms.ToArray();
    }

    private static byte[] TarGz(params (string Name, byte[] Content)[] entries)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
            foreach (var (name, content) in entries)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
        return ms.ToArray();
    }

    /// <summary>The EICAR test string, assembled at run time so no file in the repository contains it.</summary>
    private static byte[] Eicar() => Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    private static byte[] CleanApp() => Zip(
        ("META-INF/MANIFEST.MF", Encoding.UTF8.GetBytes("Manifest-Version: 1.0\nMain-Class: com.acme.App\n")),
        ("com/acme/App.class", [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 0x41, 1, 2, 3, 4]),
        ("README.md", Encoding.UTF8.GetBytes("# Acme app\nInstall it and enjoy.\n")),
        ("config/app.properties", Encoding.UTF8.GetBytes("log.level=INFO\nserver.port=8080\n")));

    [Fact]
    public async Task A_clean_realistic_app_passes_and_exits_0()
    {
        var r = await Run("check", Write("acme.jar", CleanApp()), "--clamd", Clamd, "--format", "json");
        Assert.True(r.Code == 0, r.Err + r.Out);
        var report = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("pass", report.GetProperty("verdict").GetString());
        Assert.Equal(0, report.GetProperty("findings").GetArrayLength());
        Assert.All(report.GetProperty("analyzers").EnumerateArray(), a => Assert.Equal("ok", a.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Eicar_three_archives_deep_is_found_at_its_nested_path_and_rejected()
    {
        var inner = Zip(("eicar.com", Eicar()));
        var middle = TarGz(("b/c.zip", inner));
        var outer = Zip(("a/b.tar.gz", middle), ("README.md", "hello"u8.ToArray()));
        var r = await Run("check", Write("outer.zip", outer), "--clamd", Clamd, "--format", "json");
        Assert.Equal(1, r.Code);
        var findings = JsonDocument.Parse(r.Out).RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Contains(findings, f => f.GetProperty("ruleId").GetString() == "malware.clamav"
            && f.GetProperty("path").GetString() == "outer.zip!/a/b.tar.gz!/b/c.zip!/eicar.com");
    }

    [Fact]
    public async Task A_pe_executable_named_png_is_a_type_mismatch()
    {
        var pe = new byte[512];
        "MZ"u8.CopyTo(pe);
        BitConverter.GetBytes(0x80).CopyTo(pe, 0x3C);
        "PE\0\0"u8.CopyTo(pe.AsSpan(0x80));
        BitConverter.GetBytes((ushort)0x14C).CopyTo(pe, 0x84);
        var r = await Run("check", Write("app.zip", Zip(("images/logo.png", pe))), "--clamd", Clamd, "--format", "json");
        Assert.Equal(1, r.Code);
        Assert.Contains("filetype.mismatch", r.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_on_review_turns_a_review_verdict_into_exit_1()
    {
        var html = Encoding.UTF8.GetBytes("<!doctype html><html><body><script>console.log(1)</script></body></html>");
        var file = Write("app.zip", Zip(("help/index.html", html), ("README.md", "x"u8.ToArray())));
        var normal = await Run("check", file, "--clamd", Clamd, "--format", "json");
        Assert.Equal("review", JsonDocument.Parse(normal.Out).RootElement.GetProperty("verdict").GetString());
        Assert.Equal(0, normal.Code);
        var strict = await Run("check", file, "--clamd", Clamd, "--fail-on", "review");
        Assert.Equal(1, strict.Code);
    }

    [Fact]
    public async Task An_unreachable_clamd_makes_the_check_incomplete_with_exit_3()
    {
        var r = await Run("check", Write("acme.jar", CleanApp()), "--clamd", "tcp://127.0.0.1:1", "--format", "json");
        Assert.Equal(3, r.Code);
        Assert.Equal("incomplete", JsonDocument.Parse(r.Out).RootElement.GetProperty("verdict").GetString());
    }

    [Theory]
    [InlineData("--clamd", "ftp://nowhere")]
    [InlineData("--type", "spaceship")]
    [InlineData("--fail-on", "maybe")]
    public async Task Bad_arguments_are_usage_errors(string option, string value)
    {
        var r = await Run("check", Write("a.txt", "x"u8.ToArray()), option, value);
        Assert.Equal(2, r.Code);
    }

    [Fact]
    public async Task A_policy_file_with_a_misspelt_key_is_a_usage_error_not_a_weaker_gate()
    {
        var policy = Write("policy.json", "{ \"rejectAtt\": \"Critical\" }"u8.ToArray());
        var r = await Run("check", Write("a.txt", "x"u8.ToArray()), "--policy", policy);
        Assert.Equal(2, r.Code);
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error()
    {
        var r = await Run("check", Path.Combine(_dir, "nope.zip"));
        Assert.Equal(2, r.Code);
    }

    private static (int Code, string Output) Validate(string schema, string document)
    {
        var tool = Path.Combine(RepoRoot(), "tests", "tools", "schema-check");
        if (!Directory.Exists(Path.Combine(tool, "node_modules")))
            throw new InvalidOperationException($"run 'npm ci --prefix {tool}' first (./test.sh does)");
        var psi = new ProcessStartInfo("node", [Path.Combine(tool, "validate.js"), schema, document])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    [Fact]
    public async Task Sarif_output_validates_against_the_official_sarif_2_1_0_schema()
    {
        var leaky = Zip(("config/.env", Encoding.UTF8.GetBytes("STRIPE_KEY=sk_" + "live_Q8d7VfL2mN4pR6tY1uI3oP5aS9dF0gH2jK4l\n")),
            ("docs/a b.svg", Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"/>")));
        var r = await Run("check", Write("leaky app.zip", leaky), "--clamd", Clamd, "--format", "sarif");
        Assert.Equal(1, r.Code);
        var doc = Write("out.sarif", Encoding.UTF8.GetBytes(r.Out));
        Assert.True(JsonDocument.Parse(r.Out).RootElement.GetProperty("runs")[0].GetProperty("results").GetArrayLength() >= 2);
        var (code, output) = Validate(Path.Combine(RepoRoot(), "docs", "schemas", "sarif-schema-2.1.0.json"), doc);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task Json_output_validates_against_the_documented_report_schema()
    {
        var leaky = Zip(("config/.env", Encoding.UTF8.GetBytes("STRIPE_KEY=sk_" + "live_Q8d7VfL2mN4pR6tY1uI3oP5aS9dF0gH2jK4l\n")));
        var r = await Run("check", Write("leaky.zip", leaky), "--clamd", Clamd, "--format", "json");
        var doc = Write("out.json", Encoding.UTF8.GetBytes(r.Out));
        var (code, output) = Validate(Path.Combine(RepoRoot(), "docs", "report-schema.json"), doc);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task The_rules_command_lists_every_rule_with_a_doc_page_that_exists()
    {
        var r = await Run("rules", "--format", "json");
        Assert.Equal(0, r.Code);
        var rules = JsonDocument.Parse(r.Out).RootElement.EnumerateArray().ToList();
        Assert.True(rules.Count >= 50, $"only {rules.Count} rules");
        var missing = rules.Select(x => x.GetProperty("doc").GetString()!)
            .Where(doc => !File.Exists(Path.Combine(RepoRoot(), doc))).ToList();
        Assert.True(missing.Count == 0, "missing doc pages: " + string.Join(", ", missing));
    }
}
