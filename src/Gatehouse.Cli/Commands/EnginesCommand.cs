using System.CommandLine;
using System.Globalization;
using Gatehouse.Cli.Engines;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse engines start|stop|status</c>: a local clamd for <c>gatehouse check</c> on a developer's machine.
/// <c>start</c> prints the endpoint (exit 0) or why it could not (2 not installed or bad option, 3 clamd failed);
/// <c>status</c> exits 0 when <c>check</c> would find a clamd, 3 when it would not.
/// </summary>
internal static class EnginesCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("engines", "Find, start and stop the local scan engines 'check' uses (clamd).");
        command.Subcommands.Add(CreateStart(env));
        command.Subcommands.Add(CreateStop(env));
        command.Subcommands.Add(CreateStatus(env));
        return command;
    }

    private static Command CreateStart(CliEnvironment env)
    {
        var port = new Option<int?>("--port")
        {
            Description = "Listen on 127.0.0.1:PORT instead of a private unix socket.",
            HelpName = "port",
        };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } p && p is < 1 or > 65535) r.AddError("--port must be between 1 and 65535");
        });
        var database = new Option<string?>("--database")
        {
            Description = $"Folder of ClamAV signatures (freshclam's) to load beside the bundled ones (default: {LocalClamd.FreshclamDatabase} when it exists).",
            HelpName = "dir",
        };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds to wait for clamd to load its database (default 300; the official database takes a minute).",
            HelpName = "seconds",
            DefaultValueFactory = _ => 300,
        };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError("--timeout must be at least 1 second");
        });
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("start", "Start a clamd for 'gatehouse check' (bundled signatures, plus freshclam's database when present) and print its endpoint.")
        {
            port, database, timeout, format,
        };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var progress = env.ErrorIsTerminal ? new Progress<string>(m => env.Err.Write(m + "\n")) : null;
            var started = await LocalClamd.StartAsync(env, pr.GetValue(port), pr.GetValue(database),
                TimeSpan.FromSeconds(pr.GetValue(timeout)), progress, ct);
            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, new StartReport("clamav", started.Endpoint, started.Pid, started.AlreadyRunning, started.Bundled, started.Linked));
                return ExitCodes.Ok;
            }
            // The endpoint alone on the first line, so that `GATEHOUSE_CLAMD=$(gatehouse engines start | head -n 1)` works.
            env.Out.Write(started.Endpoint + "\n");
            if (started.AlreadyRunning)
            {
                env.Err.Write(string.Create(CultureInfo.InvariantCulture, $"clamd is already running (pid {started.Pid}); 'gatehouse check' uses it.\n"));
                return ExitCodes.Ok;
            }
            env.Err.Write(string.Create(CultureInfo.InvariantCulture, $"clamd started (pid {started.Pid}) with the bundled signatures ({string.Join(", ", started.Bundled)})"));
            env.Err.Write(started.Linked.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $" and {started.Linked.Count} database files ({string.Join(", ", started.Linked.Select(Path.GetFileName))}).\n")
                : ".\nwarning: no freshclam database found, so clamd detects only the EICAR test file and Gatehouse's test samples; "
                  + "install clamav-freshclam (or pass --database DIR) for the signatures the gate scans with.\n");
            env.Err.Write("'gatehouse check' finds it from now on; elsewhere: GATEHOUSE_CLAMD=" + started.Endpoint + "\nstop it with 'gatehouse engines stop'.\n");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateStop(CliEnvironment env)
    {
        var command = new Command("stop", "Stop the clamd 'gatehouse engines start' started.");
        command.SetAction(CliApp.Guard(env, async (_, ct) =>
        {
            var stopped = await LocalClamd.StopAsync(env, ct);
            env.Err.Write(stopped ? "clamd stopped.\n" : "no clamd started by 'gatehouse engines start' is running.\n");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateStatus(CliEnvironment env)
    {
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("status", "Show which clamd 'gatehouse check' would use, and every place it looks.") { format };
        command.SetAction(CliApp.Guard(env, async (pr, ct) =>
        {
            var configured = env.GetVariable("GATEHOUSE_CLAMD");
            ClamdDiscoveryResult result;
            if (configured is not null && !string.Equals(configured, ClamdDiscovery.Off, StringComparison.OrdinalIgnoreCase))
            {
                var problem = await ClamdDiscovery.ProbeAsync(configured, env.TimeProvider, ct);
                result = new ClamdDiscoveryResult(problem is null ? configured : null, [new ClamdProbe(configured, problem)]);
            }
            else if (configured is not null)
            {
                result = new ClamdDiscoveryResult(null, []);
            }
            else
            {
                result = await ClamdDiscovery.FindAsync(env, ct);
            }

            if (pr.GetValue(format) == OutputFormat.Json)
            {
                CliJson.Write(env.Out, new StatusReport("clamav", result.Endpoint, configured is null ? "discovered" : "GATEHOUSE_CLAMD",
                    result.Tried.Select(t => new StatusProbe(t.Endpoint, t.Problem is null, t.Problem)).ToList()));
            }
            else
            {
                env.Out.Write($"clamav: {(result.Endpoint is { } e ? e : configured is not null && result.Tried.Count == 0 ? "off (GATEHOUSE_CLAMD=off)" : "none found")}\n");
                foreach (var t in result.Tried)
                    env.Out.Write($"  {t.Endpoint,-40} {(t.Problem is null ? "answers" : Terminal.Sanitize(t.Problem))}\n");
                if (result.Endpoint is null && configured is null) env.Err.Write(ClamdDiscovery.Hint(result) + "\n");
            }
            return result.Endpoint is null ? ExitCodes.Incomplete : ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The <c>engines start --format json</c> output.</summary>
    internal sealed record StartReport(string Engine, string Endpoint, int Pid, bool AlreadyRunning, IReadOnlyList<string> Bundled, IReadOnlyList<string> Database);

    /// <summary>The <c>engines status --format json</c> output.</summary>
    internal sealed record StatusReport(string Engine, string? Endpoint, string Source, IReadOnlyList<StatusProbe> Tried);

    /// <summary>One place <c>engines status</c> looked.</summary>
    internal sealed record StatusProbe(string Endpoint, bool Answers, string? Problem);
}
