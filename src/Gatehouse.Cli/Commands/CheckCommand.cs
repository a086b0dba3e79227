using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Charts;
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
    /// <summary>The chart options of <c>gatehouse check</c>.</summary>
    private sealed record ChartOptions(string? Helm, FileInfo? ApprovedImages);

    internal static readonly string[] Types = ["downloadable", "web", "container", "chart", "helm-chart"];

    public static Command Create(CliEnvironment env)
    {
        var path = new Argument<string>("path")
        {
            Description = "The artifact to check: a file or archive, a container image (OCI layout folder or tar, docker-archive), an image reference with a registry, or a Helm chart (folder with Chart.yaml, or .tgz).",
        };
        // No default value: an image input implies container, any other input downloadable; an explicit --type wins.
        var type = new Option<string?>("--type")
        {
            Description = "App type: downloadable, web, container or chart (helm-chart) (default downloadable; container for an image, chart for a chart).",
            HelpName = "downloadable|web|container|chart",
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
        var helm = new Option<string?>("--helm")
        {
            Description = "The Helm binary that renders a chart (default: $" + ChartInput.HelmVariable + ", else helm on the PATH).",
            HelpName = "path",
        };
        var approvedImages = new Option<FileInfo?>("--approved-images")
        {
            Description = "Charts: the approved image digests, one sha256:… a line (# comments); every image the chart references must be one.",
            HelpName = "file",
        };

        var smoke = new CheckSmoke();

        var command = new Command("check", "Scan an artifact with the gate's own engine and rules.")
        {
            path, type, policy, clamd, failOn, format, profile, advisories, platform, registryUser, passwordStdin, insecure, helm, approvedImages,
        };
        foreach (var o in smoke.Options) command.Options.Add(o);
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, pr.GetValue(path)!, pr.GetValue(type), pr.GetValue(policy),
            pr.GetValue(clamd), pr.GetValue(failOn)!, pr.GetValue(format), pr.GetValue(profile), pr.GetValue(advisories),
            pr.GetValue(platform), new RegistryOptions(pr.GetValue(registryUser), pr.GetValue(passwordStdin), pr.GetValue(insecure)),
            smoke.Read(pr, pr.GetValue(type)), new ChartOptions(pr.GetValue(helm), pr.GetValue(approvedImages)), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string path, string? type, FileInfo? policyFile,
        string? clamd, string failOn, OutputFormat format, bool profile, DirectoryInfo? advisoriesDir,
        string? platform, RegistryOptions registry,
        (Gatehouse.Analysis.Images.Smoke.SmokeSpec, Gatehouse.Analysis.Images.Smoke.SmokeLimits)? smoke, ChartOptions charts, CancellationToken ct)
    {
        var policy = LocalScan.LoadPolicy(policyFile);
        // Read before scanning: a malformed list is a usage error, not a finding after minutes of work.
        var approved = charts.ApprovedImages is { } list ? ChartInput.ReadApprovedImages(list.FullName) : null;
        var helmPath = ChartInput.HelmPath(env, charts.Helm);
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
            var input = ChartInput.Resolve(Path.GetFullPath(path, env.WorkingDirectory), type, policy.Charts, inputs)
                ?? await ImageInput.ResolveAsync(env, path, type, policy, registry, inputs, ct);
            if (approved is not null && input.Type != ChartInput.Type)
                throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, "--approved-images needs a Helm chart (a folder with Chart.yaml, or a chart .tgz)");
            clamdChoice = await LocalScan.ResolveClamdAsync(env, clamd, ct);
            using var advisories = AdvisoryStoreLocation.OpenForScan(env, advisoriesDir);
            report = await LocalScan.RunAsync(env, input.File, input.Type, policy, clamdChoice.Endpoint, advisories, profile, ct, input.Name, helmPath);
            if (approved is not null) report = ChartImageApproval.Apply(report, approved, policy);
            if (smoke is { } run)
            {
                if (input.Type != "container") throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, "--smoke needs a container image (--type container)");
                report = await CheckSmoke.ApplyAsync(env, report, input.File.FullName, run, policy, ct);
            }
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
        var helmHint = ChartInput.Hint(report, helmPath);
        // Without the list the engine cannot tell approved images from others: say where that check happens instead.
        var approvalNote = report.Chart is { Images.Count: > 0 } && approved is null
            ? "images: not checked against approved images here (--approved-images FILE); the gate checks them when the chart is submitted"
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
                WriteTable(env.Out, report, hint, helmHint, approvalNote);
                break;
        }
        if (format != OutputFormat.Table)
            foreach (var h in new[] { hint, helmHint, approvalNote }.OfType<string>()) env.Err.Write("hint: " + h + "\n");
        return report.Verdict switch
        {
            Verdict.Incomplete => ExitCodes.Incomplete,
            Verdict.Reject => ExitCodes.GateSaidNo,
            Verdict.Review when failOn == "review" => ExitCodes.GateSaidNo,
            _ => ExitCodes.Ok,
        };
    }

    private static void WriteTable(TextWriter o, ScanReport r, string? hint, string? helmHint, string? approvalNote)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"{Terminal.Sanitize(r.Artifact.Name)}  sha256:{r.Artifact.Sha256}  {r.Stats.Files} files, {r.Stats.Bytes} bytes, {r.Stats.DurationMs} ms"));
        o.WriteLine($"verdict: {r.Verdict.ToString().ToUpperInvariant()}");
        foreach (var reason in r.Reasons) o.WriteLine($"  - {Terminal.Sanitize(reason)}");
        if (hint is not null) o.WriteLine($"    {Terminal.Sanitize(hint)}");
        if (helmHint is not null) o.WriteLine($"    {helmHint}");
        if (r.Chart is { } chart)
        {
            CheckChartTable.Write(o, r, chart, approvalNote);
        }
        else if (r.Findings.Count > 0)
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
