namespace Gatehouse.Cli.Tests.TestSupport;

/// <summary>One CLI invocation environment: a fresh temp config dir, captured stdout/stderr, a fake server.</summary>
internal sealed class CliHarness : IDisposable
{
    public const string Server = "https://gatehouse.test";
    public const string Token = "ghp_test_SECRET_8f3b2a7c91d04e65";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "gatehouse-cli-tests-" + Guid.NewGuid().ToString("N"));

    public CliHarness(HttpMessageHandler? handler = null)
    {
        Handler = handler ?? new FakeApi();
        Directory.CreateDirectory(WorkingDirectory);
    }

    /// <summary>The CLI's current directory (an empty folder inside the harness's temp root).</summary>
    public string WorkingDirectory => Path.Combine(_root, "work");

    public HttpMessageHandler Handler { get; }

    public FakeApi Api => (FakeApi)Handler;

    /// <summary>Not created until the CLI creates it, so tests see the mode the CLI chose.</summary>
    public string ConfigDirectory => Path.Combine(_root, "config");

    public string ConfigFile => Path.Combine(ConfigDirectory, "config.json");

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    public string Stdin { get; set; } = "";

    public bool ErrorIsTerminal { get; set; }

    /// <summary>Makes later commands talk to <see cref="Server"/> with <see cref="Token"/>, as CI would.</summary>
    public CliHarness LoggedInByEnvironment()
    {
        Variables["GATEHOUSE_SERVER"] = Server;
        Variables["GATEHOUSE_TOKEN"] = Token;
        return this;
    }

    public async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var env = new CliEnvironment
        {
            Out = stdout,
            Err = stderr,
            In = new StringReader(Stdin),
            ConfigDirectory = ConfigDirectory,
            WorkingDirectory = WorkingDirectory,
            HttpHandlerFactory = () => Handler,
            Variables = Variables,
            ErrorIsTerminal = ErrorIsTerminal,
        };
        var exitCode = await CliApp.RunAsync(args, env);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        Handler.Dispose();
    }
}

internal sealed record CliRun(int ExitCode, string Out, string Err);
