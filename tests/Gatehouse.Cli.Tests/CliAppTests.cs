using Gatehouse.Cli.Tests.TestSupport;

namespace Gatehouse.Cli.Tests;

public sealed class CliAppTests
{
    [Fact]
    public async Task A_cancelled_command_exits_3()
    {
        using var handler = new ThrowingHandler();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        var env = new CliEnvironment
        {
            Out = stdout,
            Err = stderr,
            ConfigDirectory = Path.Combine(Path.GetTempPath(), "gatehouse-unused-" + Guid.NewGuid().ToString("N")),
            HttpHandlerFactory = () => handler,
            Variables = new Dictionary<string, string> { ["GATEHOUSE_SERVER"] = CliHarness.Server, ["GATEHOUSE_TOKEN"] = CliHarness.Token },
        };

        var exitCode = await CliApp.RunAsync(["audit", "verify"], env, cancellation.Token);

        Assert.Equal(ExitCodes.Incomplete, exitCode);
        Assert.Contains("[cli.cancelled]", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_exception_exits_3_not_1()
    {
        using var cli = new CliHarness(new ThrowingHandler(new InvalidOperationException("boom"))).LoggedInByEnvironment();

        var run = await cli.RunAsync("audit", "verify");

        Assert.Equal(ExitCodes.Incomplete, run.ExitCode);
        Assert.Contains("[cli.unexpected]", run.Err, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task A_timeout_counts_as_unreachable()
    {
        using var handler = new ThrowingHandler();
        using var stderr = new StringWriter();
        var env = new CliEnvironment
        {
            Out = TextWriter.Null,
            Err = stderr,
            ConfigDirectory = Path.Combine(Path.GetTempPath(), "gatehouse-unused-" + Guid.NewGuid().ToString("N")),
            HttpHandlerFactory = () => handler,
            HttpTimeout = TimeSpan.FromMilliseconds(50),
            Variables = new Dictionary<string, string> { ["GATEHOUSE_SERVER"] = CliHarness.Server, ["GATEHOUSE_TOKEN"] = CliHarness.Token },
        };

        var exitCode = await CliApp.RunAsync(["audit", "verify"], env);

        Assert.Equal(ExitCodes.Incomplete, exitCode);
        Assert.Contains("[cli.server-unreachable]", stderr.ToString(), StringComparison.Ordinal);
    }
}
