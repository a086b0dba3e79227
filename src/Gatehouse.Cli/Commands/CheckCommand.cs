using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Images;
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
        var path = new Argument<string>("path")
        {
            Description = "The artifact to check: a file or archive, a container image (OCI layout folder or tar, docker-archive), or an image reference with a registry.",
        };
        // No default value: an image input implies container, any other input downloadable; an explicit --type wins.
        var type = new Option<string?>("--type")
        {
            Description = "App type: downloadable, web, container or chart (default downloadable; container for an image).",
            HelpName = string.Join('|', Types),
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
        var platform = new Option<string?>("--platform")
        {
            Description = "Platform a multi-arch image resolves to (replaces the policy's images.platforms).",
            HelpName = "os/arch[/variant]",
        };
        var registryUser = new Option<string?>("--registry-user")
        {
            Description = "User for a registry pull; the password comes from $" + ImageInput.PasswordVariable + " or --registry-password-stdin.",
            HelpName = "name",
        };
        var passwordStdin = new Option<bool>("--registry-password-stdin") { Description = "Read the registry password from the first line of stdin." };
        var insecure = new Option<bool>("--insecure-registry") { Description = "Pull over plain http (loopback test registries)." };

        var command = new Command("check", "Scan an artifact with the gate's own engine and rules.")
        {
            path, type, policy, clamd, failOn, format, profile, advisories, platform, registryUser, passwordStdin, insecure,
        };
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, pr.GetValue(path)!, pr.GetValue(type), pr.GetValue(policy),
            pr.GetValue(clamd), pr.GetValue(failOn)!, pr.GetValue(format), pr.GetValue(profile), pr.GetValue(advisories),
            pr.GetValue(platform), new RegistryOptions(pr.GetValue(registryUser), pr.GetValue(passwordStdin), pr.GetValue(insecure)), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string path, string? type, FileInfo? policyFile,
        string? clamd, string failOn, OutputFormat format, bool profile, DirectoryInfo? advisoriesDir,
        string? platform, RegistryOptions registry, CancellationToken ct)
    {
        var policy = LocalScan.LoadPolicy(policyFile);
        if (platform is not null)
        {
            var parsed = ImagePlatform.Parse(platform)
                ?? throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--platform {platform}: expected os/arch[/variant], e.g. linux/arm64");
            policy = policy with { Images = policy.Images with { Platforms = [parsed.ToString()] } };
        }
        // Packed layouts and pulled images live in a private folder of this run (0700), removed however the run ends.
        var inputs = LocalScan.CreateScratch(env);
        ScanReport report;
        (string? Endpoint, ClamdDiscoveryResult? Discovery) clamdChoice;
        try
        {
            var input = await ImageInput.ResolveAsync(env, path, type, policy, registry, inputs, ct);
            clamdChoice = await LocalScan.ResolveClamdAsync(env, clamd, ct);
            using var advisories = AdvisoryStoreLocation.OpenForScan(env, advisoriesDir);
            report = await LocalScan.RunAsync(env, input.File, input.Type, policy, clamdChoice.Endpoint, advisories, profile, ct, input.Name);
        }
        finally
        {
            LocalScan.DeleteScratch(inputs);
        }
        var (endpoint, discovery) = clamdChoice;

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
        var failed = r.Analyzers.Where(a => a.Status != "ok").ToList();
        if (failed.Count > 0)
        {
            o.WriteLine();
            foreach (var a in failed) o.WriteLine($"analyzer {a.Id} {a.Status}: {Terminal.Sanitize(a.Error)}");
        }
    }
}
