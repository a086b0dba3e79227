using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests;

public sealed class UsageTests
{
    [Theory]
    [InlineData("")]
    [InlineData("frobnicate")]
    [InlineData("audit")]
    [InlineData("audit verify --no-such-option")]
    [InlineData("audit verify --format xml")]
    [InlineData("audit verify --page-size 0")]
    [InlineData("audit verify --page-size many")]
    [InlineData("audit verify --expect-head 12")]
    [InlineData("audit verify --expect-head 12:nothex")]
    [InlineData("version --format sarif")]
    [InlineData("login --token t")]
    [InlineData("login --server https://gatehouse.test")]
    [InlineData("login --server ftp://gatehouse.test --token t")]
    [InlineData("login --server gatehouse.test --token t")]
    [InlineData("login --server https://user:pw@gatehouse.test --token t")]
    public async Task A_usage_error_exits_2_with_an_error_line_on_stderr(string commandLine)
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("gatehouse: error: ", run.Err, StringComparison.Ordinal);
        Assert.Empty(cli.Api.Requests);
    }

    [Fact]
    public async Task A_usage_error_points_to_the_help_of_the_command_that_was_misused()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("audit", "verify", "--format", "xml");

        Assert.Contains("Run 'gatehouse audit verify --help' for usage.", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_exits_0_and_lists_the_commands()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("login", run.Out, StringComparison.Ordinal);
        Assert.Contains("audit", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_needs_a_server_exits_2_when_not_logged_in()
    {
        using var cli = new CliHarness();

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("[cli.not-logged-in]", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_GATEHOUSE_SERVER_exits_2()
    {
        using var cli = new CliHarness();
        cli.Variables["GATEHOUSE_SERVER"] = "not a url";
        cli.Variables["GATEHOUSE_TOKEN"] = CliHarness.Token;

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("GATEHOUSE_SERVER", run.Err, StringComparison.Ordinal);
    }
}
