using System.Text.Json;
using Gatehouse.Analysis.Tests.Images.Smoke;
using Gatehouse.Cli.Commands;

namespace Gatehouse.Cli.Tests.Check;

/// <summary><c>gatehouse check IMAGE --type container --smoke</c>: the smoke test folded into the report and the exit code.</summary>
public sealed class CheckSmokeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-check-smoke-").FullName;
    private readonly SmokeImages _images = new();

    public void Dispose()
    {
        _images.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Clamd => Environment.GetEnvironmentVariable("GATEHOUSE_TEST_CLAMD")
        ?? throw new InvalidOperationException("GATEHOUSE_TEST_CLAMD is not set; ./test.sh starts clamd and sets it.");

    private async Task<(int Code, string Out, string Err)> Run(Dictionary<string, string>? variables, params string[] args)
    {
        using var o = new StringWriter();
        using var e = new StringWriter();
        var env = new CliEnvironment { Out = o, Err = e, ConfigDirectory = Path.Combine(_dir, "config"), Variables = variables ?? [] };
        var code = await CliApp.RunAsync(args, env);
        return (code, o.ToString(), e.ToString());
    }

    private string SmallTar()
    {
        var path = Path.Combine(_dir, "app.tar");
        using var tar = new System.Formats.Tar.TarWriter(File.Create(path));
        tar.WriteEntry(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "README.md") { DataStream = new MemoryStream("hi"u8.ToArray()) });
        return path;
    }

    [Fact]
    public async Task Without_runc_the_smoke_test_is_incomplete_and_exits_3()
    {
        var image = _images.DockerArchive(_images.Variant(["sleep", "60"]));
        var r = await Run(new() { [CheckSmoke.RuncVariable] = "/nonexistent/runc" },
            "check", image, "--type", "container", "--smoke", "--clamd", Clamd, "--format", "json");
        Assert.True(r.Code == 3, r.Err + r.Out);
        var report = JsonDocument.Parse(r.Out).RootElement;
        Assert.Equal("incomplete", report.GetProperty("verdict").GetString());
        Assert.Equal("incomplete", report.GetProperty("smoke").GetProperty("status").GetString());
        Assert.Contains(report.GetProperty("reasons").EnumerateArray(), x => x.GetString()!.Contains("runc was not found", StringComparison.Ordinal));

        var table = await Run(new() { [CheckSmoke.RuncVariable] = "/nonexistent/runc" }, "check", image, "--type", "container", "--smoke", "--clamd", Clamd);
        Assert.Equal(3, table.Code);
        Assert.Contains("smoke test: INCOMPLETE", table.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--smoke")] // not a container
    [InlineData("--type", "container", "--smoke-command", "true", "--smoke-http", "8080")]
    [InlineData("--type", "container", "--smoke-http", "http")]
    [InlineData("--type", "container", "--smoke", "--smoke-timeout", "soon")]
    [InlineData("--type", "container", "--smoke-command", "sh -c 'unclosed")]
    public async Task Bad_smoke_options_are_usage_errors(params string[] options)
    {
        var r = await Run(null, ["check", SmallTar(), "--clamd", "off", .. options]);
        Assert.True(r.Code == 2, r.Err + r.Out);
    }

    [Fact]
    public async Task A_docker_archive_whose_http_endpoint_answers_passes_the_smoke_test()
    {
        if (_images.Unavailable is { } why) Assert.Fail(why);
        var archive = _images.DockerArchive(_images.Variant(["httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/www"]));
        var r = await Run(null, "check", archive, "--type", "container", "--smoke-http", "8080/index.html", "--smoke-timeout", "60s",
            "--clamd", Clamd, "--format", "json");
        var report = JsonDocument.Parse(r.Out).RootElement;
        var smoke = report.GetProperty("smoke");
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Equal("incomplete", smoke.GetProperty("status").GetString());
            Assert.Equal(3, r.Code);
            return;
        }
        Assert.True(smoke.GetProperty("status").GetString() == "passed", smoke.ToString());
        Assert.Equal("http", smoke.GetProperty("check").GetString());
        Assert.Contains(report.GetProperty("analyzers").EnumerateArray(), a => a.GetProperty("id").GetString() == "image.smoke" && a.GetProperty("status").GetString() == "ok");
    }

    [Theory]
    [InlineData("wget -qO- http://127.0.0.1:8080/", new[] { "wget", "-qO-", "http://127.0.0.1:8080/" })]
    [InlineData("sh -c 'test -f /a && echo \"x y\"'", new[] { "sh", "-c", "test -f /a && echo \"x y\"" })]
    [InlineData("  a   \"\"  b ", new[] { "a", "", "b" })]
    public void Smoke_command_is_split_into_words(string command, string[] argv) => Assert.Equal(argv, CheckSmoke.SplitCommand(command));

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("2m", 120)]
    [InlineData("45", 45)]
    [InlineData("1.5m", 90)]
    public void Smoke_timeout_accepts_seconds_and_minutes(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), CheckSmoke.ParseDuration(text));
}
