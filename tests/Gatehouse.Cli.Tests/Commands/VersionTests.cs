using System.Text.Json;
using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests.Commands;

public sealed class VersionTests
{
    [Fact]
    public async Task Version_shows_the_cli_and_server_versions()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/version", new { version = "9.8.7", name = "gatehouse" });

        var run = await cli.RunAsync("version");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("cli:    ", run.Out, StringComparison.Ordinal);
        Assert.Contains("server: 9.8.7 (https://gatehouse.test)", run.Out, StringComparison.Ordinal);
        Assert.Equal("Bearer " + CliHarness.Token, Assert.Single(cli.Api.Requests).Authorization);
    }

    [Fact]
    public async Task Version_with_an_unreachable_server_still_exits_0()
    {
        using var cli = new CliHarness(new UnreachableHandler()).LoggedInByEnvironment();

        var run = await cli.RunAsync("version");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("server: unreachable (", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_without_a_server_makes_no_request()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("version");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("server: not configured", run.Out, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }

    [Fact]
    public async Task Version_as_json_has_cli_and_server()
    {
        using var cli = new CliHarness().LoggedInByEnvironment();
        cli.Api.Json("/api/version", new { version = "9.8.7", name = "gatehouse" });

        var run = await cli.RunAsync("version", "--format", "json");

        using var doc = JsonDocument.Parse(run.Out);
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("cli").GetString()));
        Assert.Equal("9.8.7", doc.RootElement.GetProperty("server").GetString());
    }

    [Fact]
    public async Task Version_as_json_has_a_null_server_when_none_answers()
    {
        using var cli = new CliHarness(new UnreachableHandler()).LoggedInByEnvironment();

        var run = await cli.RunAsync("version", "--format", "json");

        using var doc = JsonDocument.Parse(run.Out);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("server").ValueKind);
    }
}
