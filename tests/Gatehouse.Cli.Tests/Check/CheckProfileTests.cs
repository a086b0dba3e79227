using System.IO.Compression;
using System.Text.Json;
using Gatehouse.Cli;

namespace Gatehouse.Cli.Tests.Check;

/// <summary><c>gatehouse check --profile</c>: where the time went goes to stderr; the report on stdout is unchanged.</summary>
public sealed class CheckProfileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-checkprofile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Profile_prints_each_stage_to_stderr_and_leaves_the_json_report_alone()
    {
        var artifact = Path.Combine(_dir, "app.zip");
        using (var zip = ZipFile.Open(artifact, ZipArchiveMode.Create))
        using (var s = zip.CreateEntry("index.js").Open())
            s.Write("module.exports = 42;\n"u8);
        var policy = Path.Combine(_dir, "policy.json");
        await File.WriteAllTextAsync(policy, "{ \"requiredEngines\": [] }");
        using var o = new StringWriter();
        using var e = new StringWriter();
        var env = new CliEnvironment { Out = o, Err = e, ConfigDirectory = Path.Combine(_dir, "config") };

        var code = await CliApp.RunAsync(["check", artifact, "--policy", policy, "--format", "json", "--profile"], env);

        Assert.Equal(0, code);
        using var report = JsonDocument.Parse(o.ToString());
        Assert.Equal("pass", report.RootElement.GetProperty("verdict").GetString());
        var err = e.ToString();
        Assert.Contains("process CPU", err, StringComparison.Ordinal);
        Assert.Contains("peak RSS", err, StringComparison.Ordinal);
        Assert.Contains("malware.yara", err, StringComparison.Ordinal); // the member (the zip itself was unpacked whole)
        Assert.DoesNotContain("malware.yara (artifact)", err, StringComparison.Ordinal);
        Assert.Contains("walk.extract", err, StringComparison.Ordinal);
    }
}
