using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Probe;

public sealed class ProbeCommandTests
{
    [Fact]
    public async Task A_metadata_address_is_refused_and_the_probe_exits_incomplete()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("probe", "https://169.254.169.254/", "--endpoint", "/api", "--format", "json");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal("incomplete", doc.RootElement.GetProperty("verdict").GetString());
        Assert.Equal("probe.ssrf-blocked", doc.RootElement.GetProperty("findings")[0].GetProperty("ruleId").GetString());
    }

    [Fact]
    public async Task An_allow_listed_address_where_nothing_listens_is_unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var cli = new CliHarness();

        var run = await cli.RunAsync("probe", $"https://127.0.0.1:{port}/", "--allow-host", "127.0.0.1", "--format", "sarif");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("probe.unreachable", run.Out, StringComparison.Ordinal);
        Assert.Contains("\"version\": \"2.1.0\"", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sarif_output_validates_against_the_official_sarif_2_1_0_schema()
    {
        using var cli = new CliHarness();
        var run = await cli.RunAsync("probe", "https://10.0.0.1/", "--endpoint", "/api", "--format", "sarif");
        var file = Path.Combine(Path.GetTempPath(), $"gatehouse-probe-{Guid.NewGuid():N}.sarif");
        try
        {
            await File.WriteAllTextAsync(file, run.Out);
            var root = RepoRoot();
            var tool = Path.Combine(root, "tests", "tools", "schema-check");
            if (!Directory.Exists(Path.Combine(tool, "node_modules")))
                throw new InvalidOperationException($"run 'npm ci --prefix {tool}' first (./test.sh does)");
            var psi = new ProcessStartInfo("node", [Path.Combine(tool, "validate.js"), Path.Combine(root, "docs", "schemas", "sarif-schema-2.1.0.json"), file])
            {
                RedirectStandardError = true, RedirectStandardOutput = true,
            };
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, output);
            Assert.Contains("probe.ssrf-blocked", run.Out, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Gatehouse.slnx"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    [Theory]
    [InlineData("http://app.example/")]
    [InlineData("not a url")]
    public async Task A_url_that_is_not_https_is_a_usage_error(string url)
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("probe", url);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }

    [Fact]
    public async Task An_allow_list_entry_that_is_not_an_address_is_a_usage_error()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("probe", "https://app.example/", "--allow-host", "internal.example");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--allow-host", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_on_another_host_is_a_usage_error()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("probe", "https://10.0.0.1/", "--endpoint", "https://other.example/api");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
    }
}
