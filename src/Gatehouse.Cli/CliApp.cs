using System.CommandLine;
using System.CommandLine.Invocation;
using Gatehouse.Cli.Commands;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli;

/// <summary>
/// The <c>gatehouse</c> command line. <c>Program.cs</c> calls <see cref="RunAsync"/> with the process
/// environment; tests call it with their own <see cref="CliEnvironment"/>.
/// </summary>
public static class CliApp
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(env);

        try
        {
            return await ParseAndInvokeAsync(args, env, ct);
        }
#pragma warning disable CA1031 // Commands are guarded; this catches parser or wiring bugs, which must not look like a verdict.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Terminal.WriteError(env.Err, $"unexpected {ex.GetType().Name}: {ex.Message}", CliErrorCodes.Unexpected);
            return ExitCodes.Incomplete;
        }
    }

    private static async Task<int> ParseAndInvokeAsync(string[] args, CliEnvironment env, CancellationToken ct)
    {
        var root = BuildRootCommand(env);
        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            // System.CommandLine would exit 1, which CI reads as "the gate said no"; usage errors are 2.
            foreach (var error in parsed.Errors) Terminal.WriteError(env.Err, error.Message);
            var command = string.Join(' ', CommandPath(parsed.CommandResult.Command));
            env.Err.Write($"Run '{command} --help' for usage.\n");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = env.Out,
            Error = env.Err,
            // Commands catch their own exceptions (Guard); no Console.CancelKeyPress handler here, the
            // caller owns the process and passes ct.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return await parsed.InvokeAsync(invocation, ct);
    }

    internal static RootCommand BuildRootCommand(CliEnvironment env)
    {
        var root = new RootCommand("Gatehouse: the security gate for app marketplaces.");
        root.Subcommands.Add(VersionCommand.Create(env));
        root.Subcommands.Add(LoginCommand.Create(env));
        root.Subcommands.Add(AuditCommand.Create(env));
        root.Subcommands.Add(CheckCommand.Create(env));
        root.Subcommands.Add(SbomCommand.Create(env));
        root.Subcommands.Add(AdvisoriesCommand.Create(env));
        root.Subcommands.Add(RulesCommand.Create(env));
        root.Subcommands.Add(SubmitCommand.Create(env));
        root.Subcommands.Add(StatusCommand.Create(env));
        root.Subcommands.Add(GuidelinesCommand.Create(env));
        root.Subcommands.Add(ProbeCommand.Create(env));
        root.Subcommands.Add(DownloadCommand.Create(env));
        root.Subcommands.Add(TenantsCommand.Create(env));
        root.Subcommands.Add(KeysCommand.Create(env));
        root.Subcommands.Add(EnginesCommand.Create(env));
        root.Subcommands.Add(SignCommand.Create(env));
        root.Subcommands.Add(VerifyCommand.Create(env));
        root.Subcommands.Add(VendorKeysCommand.Create(env));
        root.Subcommands.Add(UsageCommand.Create(env));
        return root;
    }

    /// <summary>
    /// Wraps a command action: a <see cref="CliException"/> becomes its error line and exit code, and
    /// cancellation exits <see cref="ExitCodes.Incomplete"/>. Any other exception reaches <see cref="RunAsync"/>,
    /// which also exits <see cref="ExitCodes.Incomplete"/>: never 0 and never 1.
    /// </summary>
    internal static Func<ParseResult, CancellationToken, Task<int>> Guard(
        CliEnvironment env, Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (parseResult, ct) =>
        {
            try
            {
                return await action(parseResult, ct);
            }
            catch (CliException ex)
            {
                Terminal.WriteError(env.Err, ex.Message, ex.Code);
                return ex.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Terminal.WriteError(env.Err, "cancelled", CliErrorCodes.Cancelled);
                return ExitCodes.Incomplete;
            }
        };

    private static List<string> CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
        {
            names.Add(s is RootCommand ? "gatehouse" : c.Name);
        }
        names.Reverse();
        return names;
    }
}
