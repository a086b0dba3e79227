using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Gatehouse.Analysis.Vulnerabilities.Matching;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse advisories import PATH</c> and <c>gatehouse advisories status</c>: the CLI's local advisory store, so
/// <c>check</c> and <c>sbom</c> match packages offline against the same OSV records the server holds.
/// </summary>
internal static class AdvisoriesCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("advisories", "Manage the local advisory store (OSV records) that check and sbom match against.");
        command.Subcommands.Add(CreateImport(env));
        command.Subcommands.Add(CreateStatus(env));
        return command;
    }

    private static Command CreateImport(CliEnvironment env)
    {
        var path = new Argument<string>("path") { Description = "An OSV .json record, a folder of them, or an OSV export .zip (e.g. npm/all.zip)." };
        var advisories = AdvisoryStoreLocation.CreateOption();
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("import", "Import OSV advisories (newer 'modified' replaces older; the store is created when missing).") { path, advisories, format };
        command.SetAction(CliApp.Guard(env, (pr, ct) => ImportAsync(env, pr.GetValue(path)!, pr.GetValue(advisories), pr.GetValue(format), ct)));
        return command;
    }

    private static Command CreateStatus(CliEnvironment env)
    {
        var advisories = AdvisoryStoreLocation.CreateOption();
        var format = OutputFormatOption.Create(OutputFormat.Table, OutputFormat.Json);
        var command = new Command("status", "Show how many advisories the store holds and the newest 'modified' per ecosystem.") { advisories, format };
        command.SetAction(CliApp.Guard(env, (pr, ct) => StatusAsync(env, pr.GetValue(advisories), pr.GetValue(format))));
        return command;
    }

    private static async Task<int> ImportAsync(CliEnvironment env, string path, DirectoryInfo? option, OutputFormat format, CancellationToken ct)
    {
        var source = Path.GetFullPath(path, env.WorkingDirectory);
        if (!File.Exists(source) && !Directory.Exists(source))
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"{Terminal.Sanitize(source)}: no such file or folder");
        var (dir, _) = AdvisoryStoreLocation.Resolve(env, option);
        using var store = AdvisoryStoreLocation.Open(env, dir);
        var progress = new ImportProgress(env.Err, env.ErrorIsTerminal);
        AdvisoryImportResult result;
        try
        {
            result = await Task.Run(() => store.Import(source, progress, ct), ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            progress.Done();
            throw new CliException(ExitCodes.Incomplete, CliErrorCodes.AdvisoryStoreUnreadable, $"import {Terminal.Sanitize(source)}: {e.Message}");
        }
        progress.Done();
        var seconds = Math.Max(result.Elapsed.TotalSeconds, 0.001);
        var rate = result.Read / seconds;
        if (format == OutputFormat.Json)
        {
            CliJson.Write(env.Out, new
            {
                store = dir, source, result.Read, result.Added, result.Updated, result.Skipped, result.Invalid,
                elapsedMs = (long)result.Elapsed.TotalMilliseconds, recordsPerSecond = Math.Round(rate), result.Problems,
            });
        }
        else
        {
            var inv = CultureInfo.InvariantCulture;
            await env.Out.WriteLineAsync(string.Create(inv,
                $"imported {Terminal.Sanitize(source)} into {Terminal.Sanitize(dir)}: read {result.Read}, added {result.Added}, updated {result.Updated}, skipped {result.Skipped}, invalid {result.Invalid} in {seconds:0.0} s ({rate:0} records/s)"));
            foreach (var problem in result.Problems) await env.Out.WriteLineAsync("  invalid: " + Terminal.Sanitize(problem));
        }
        return ExitCodes.Ok;
    }

    private static async Task<int> StatusAsync(CliEnvironment env, DirectoryInfo? option, OutputFormat format)
    {
        var (dir, _) = AdvisoryStoreLocation.Resolve(env, option);
        if (!Directory.Exists(dir))
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument,
                $"no advisory store at {Terminal.Sanitize(dir)} (gatehouse advisories import PATH creates it)");
        using var store = AdvisoryStoreLocation.Open(env, dir);
        var status = store.Status();
        if (format == OutputFormat.Json)
        {
            CliJson.Write(env.Out, new
            {
                store = dir, status.Advisories, status.LastImport,
                ecosystems = status.Ecosystems.Select(e => new { e.Ecosystem, e.Advisories, e.NewestModified }),
            });
            return ExitCodes.Ok;
        }
        var inv = CultureInfo.InvariantCulture;
        await env.Out.WriteLineAsync($"advisory store: {Terminal.Sanitize(dir)}");
        await env.Out.WriteLineAsync(string.Create(inv, $"advisories: {status.Advisories}, last import: {Time(status.LastImport) ?? "never"}"));
        if (status.Ecosystems.Count == 0) return ExitCodes.Ok;
        await env.Out.WriteLineAsync();
        var width = Math.Max(9, status.Ecosystems.Max(e => e.Ecosystem.Length));
        await env.Out.WriteLineAsync($"{"ECOSYSTEM".PadRight(width)}  {"ADVISORIES",10}  NEWEST MODIFIED");
        foreach (var e in status.Ecosystems)
            await env.Out.WriteLineAsync(string.Create(inv, $"{Terminal.Sanitize(e.Ecosystem).PadRight(width)}  {e.Advisories,10}  {Time(e.NewestModified) ?? "-"}"));
        return ExitCodes.Ok;
    }

    private static string? Time(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Records read so far on stderr: one rewritten line on a terminal, a line per 100,000 records otherwise (CI logs).</summary>
    private sealed class ImportProgress(TextWriter err, bool terminal) : IProgress<long>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _lock = new();
        private long _shown;
        private TimeSpan _last;
        private bool _written;

        public void Report(long value)
        {
            lock (_lock)
            {
                if (terminal)
                {
                    if (_clock.Elapsed - _last < TimeSpan.FromMilliseconds(200)) return;
                    _last = _clock.Elapsed;
                    err.Write(string.Create(CultureInfo.InvariantCulture, $"\r\u001b[2Kimporting: {value} records, {value / Math.Max(_clock.Elapsed.TotalSeconds, 0.001):0}/s"));
                    _written = true;
                }
                else if (value / 100_000 > _shown / 100_000)
                {
                    err.Write(string.Create(CultureInfo.InvariantCulture, $"importing: {value} records\n"));
                }
                _shown = value;
            }
        }

        public void Done()
        {
            lock (_lock)
            {
                if (terminal && _written) err.Write("\r\u001b[2K");
            }
        }
    }
}
