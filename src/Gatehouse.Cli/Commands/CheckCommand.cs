using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Cli.Engines;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse check PATH</c>: the same engine, rules and versions as the server's scan jobs, run
/// locally or in CI before submitting. Exit 0 pass or review, 1 reject (or review with
/// <c>--fail-on review</c>), 2 usage, 3 incomplete.
/// </summary>
internal static class CheckCommand
{
    internal static readonly string[] Types = ["downloadable", "web", "container", "chart"];

    public static Command Create(CliEnvironment env)
    {
        var path = new Argument<FileInfo>("path") { Description = "The artifact to check (file or archive)." };
        var type = new Option<string>("--type")
        {
            Description = "App type: downloadable, web, container or chart (default downloadable).",
            HelpName = string.Join('|', Types),
            DefaultValueFactory = _ => "downloadable",
        };
        type.AcceptOnlyFromAmong(Types);
        var policy = new Option<FileInfo?>("--policy") { Description = "Policy file (JSON); default: the built-in policy.", HelpName = "file" };
        var clamd = new Option<string?>("--clamd")
        {
            Description = "clamd endpoint, tcp://HOST:PORT or unix:PATH, or 'off' (default: $GATEHOUSE_CLAMD, else the clamd "
                + "'gatehouse engines start' started, else the system's clamd socket or 127.0.0.1:3310 when one answers).",
            HelpName = "endpoint",
        };
        var failOn = new Option<string>("--fail-on")
        {
            Description = "Lowest verdict that exits 1: reject (default) or review.",
            HelpName = "reject|review",
            DefaultValueFactory = _ => "reject",
        };
        failOn.AcceptOnlyFromAmong("reject", "review");
        var format = OutputFormatOption.Create();
        var profile = new Option<bool>("--profile") { Description = "Print where the time went (CPU and wall time per stage and analyzer) to stderr." };
        var advisories = AdvisoryStoreLocation.CreateOption();

        var smoke = new CheckSmoke();

        var command = new Command("check", "Scan an artifact with the gate's own engine and rules.") { path, type, policy, clamd, failOn, format, profile, advisories };
        foreach (var o in smoke.Options) command.Options.Add(o);
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, pr.GetValue(path)!, pr.GetValue(type)!, pr.GetValue(policy),
            pr.GetValue(clamd), pr.GetValue(failOn)!, pr.GetValue(format), pr.GetValue(profile), pr.GetValue(advisories),
            smoke.Read(pr, pr.GetValue(type)!), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, FileInfo path, string type, FileInfo? policyFile,
        string? clamd, string failOn, OutputFormat format, bool profile, DirectoryInfo? advisoriesDir,
        (Gatehouse.Analysis.Images.Smoke.SmokeSpec, Gatehouse.Analysis.Images.Smoke.SmokeLimits)? smoke, CancellationToken ct)
    {
        if (!path.Exists) throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"{path.FullName}: no such file");
        var policy = LocalScan.LoadPolicy(policyFile);
        var (endpoint, discovery) = await LocalScan.ResolveClamdAsync(env, clamd, ct);
        using var advisories = AdvisoryStoreLocation.OpenForScan(env, advisoriesDir);
        var report = await LocalScan.RunAsync(env, path, type, policy, endpoint, advisories, profile, ct);
        if (smoke is { } run) report = await CheckSmoke.ApplyAsync(env, report, path.FullName, run, policy, ct);

        // The reason stays the gate's ("required engine clamav is not configured", the same on the server); the CLI adds how to fix it here.
        var hint = endpoint is null && policy.RequiredEngines.Contains("clamav", StringComparer.OrdinalIgnoreCase)
            ? "clamav: " + (discovery is null ? "turned off (--clamd off or GATEHOUSE_CLAMD=off). " + ClamdDiscovery.Remedy : ClamdDiscovery.Hint(discovery))
            : null;
        switch (format)
        {
            case OutputFormat.Json:
                await env.Out.WriteLineAsync(ReportJson.Serialize(report));
                break;
            case OutputFormat.Sarif:
                await env.Out.WriteLineAsync(ReportSarif.Serialize(report, AnalyzerCatalog.AllRules()));
                break;
            default:
                WriteTable(env.Out, report, hint);
                break;
        }
        if (hint is not null && format != OutputFormat.Table) env.Err.Write("hint: " + hint + "\n");
        return report.Verdict switch
        {
            Verdict.Incomplete => ExitCodes.Incomplete,
            Verdict.Reject => ExitCodes.GateSaidNo,
            Verdict.Review when failOn == "review" => ExitCodes.GateSaidNo,
            _ => ExitCodes.Ok,
        };
    }

    private static void WriteTable(TextWriter o, ScanReport r, string? hint)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"{Terminal.Sanitize(r.Artifact.Name)}  sha256:{r.Artifact.Sha256}  {r.Stats.Files} files, {r.Stats.Bytes} bytes, {r.Stats.DurationMs} ms"));
        o.WriteLine($"verdict: {r.Verdict.ToString().ToUpperInvariant()}");
        foreach (var reason in r.Reasons) o.WriteLine($"  - {Terminal.Sanitize(reason)}");
        if (hint is not null) o.WriteLine($"    {Terminal.Sanitize(hint)}");
        if (r.Findings.Count > 0)
        {
            o.WriteLine();
            o.WriteLine($"{"SEVERITY",-9} {"RULE",-28} PATH / MESSAGE");
            foreach (var f in r.Findings)
            {
                var where = f.Line is { } l ? string.Create(inv, $"{f.Path}:{l}") : f.Path;
                o.WriteLine($"{f.Severity.ToString().ToLowerInvariant(),-9} {f.RuleId,-28} {Terminal.Sanitize(where)}");
                o.WriteLine($"{"",-9} {"",-28} {Terminal.Sanitize(f.Message)}");
            }
        }
        if (r.Smoke is { } smoke) CheckSmoke.WriteTable(o, smoke);
        var failed = r.Analyzers.Where(a => a.Status != "ok").ToList();
        if (failed.Count > 0)
        {
            o.WriteLine();
            foreach (var a in failed) o.WriteLine($"analyzer {a.Id} {a.Status}: {Terminal.Sanitize(a.Error)}");
        }
    }
}
