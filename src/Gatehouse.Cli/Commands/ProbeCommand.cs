using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Probes;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Cli.Output;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// <c>gatehouse probe URL</c>: the gate's endpoint probe (docs/probe.md) against a web integration's base URL,
/// declared endpoints and lifecycle webhook. Exit 0 pass or review, 1 reject, 2 usage, 3 incomplete
/// (unreachable, refused by the SSRF guard, or a check that could not run).
/// </summary>
internal static class ProbeCommand
{
    /// <summary>Environment variable with an <c>Authorization</c> value for the Cache-Control check (never a command-line argument, which other users can see).</summary>
    public const string CredentialVariable = "GATEHOUSE_PROBE_CREDENTIAL";

    public static Command Create(CliEnvironment env)
    {
        var url = new Argument<string>("url") { Description = "The integration's base URL (https)." };
        var endpoints = new Option<string[]>("--endpoint")
        {
            Description = "A declared endpoint (path relative to the URL, same host) that must refuse missing and forged credentials; repeatable.",
            HelpName = "path",
            AllowMultipleArgumentsPerToken = false,
        };
        var webhook = new Option<string?>("--webhook") { Description = "The lifecycle-webhook URL; it must refuse unsigned and wrongly signed deliveries.", HelpName = "url" };
        var allow = new Option<string[]>("--allow-host")
        {
            Description = "An address or network (127.0.0.1, 10.1.0.0/16) the probe may connect to although it is not public; repeatable.",
            HelpName = "address",
        };
        var trustRoot = new Option<FileInfo?>("--trust-root") { Description = "PEM file of a CA to trust instead of the system roots (private PKIs, tests).", HelpName = "file" };
        var format = OutputFormatOption.Create();

        var command = new Command("probe", "Probe a web integration's endpoints: TLS, certificate, HSTS, headers, cookies, authentication.")
        {
            url, endpoints, webhook, allow, trustRoot, format,
        };
        command.SetAction(CliApp.Guard(env, (pr, ct) => RunAsync(env, pr.GetValue(url)!, pr.GetValue(endpoints) ?? [], pr.GetValue(webhook),
            pr.GetValue(allow) ?? [], pr.GetValue(trustRoot), pr.GetValue(format), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string url, string[] endpoints, string? webhook, string[] allow,
        FileInfo? trustRoot, OutputFormat format, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme != Uri.UriSchemeHttps)
            throw Usage($"{url}: not an absolute https URL");
        Uri? hook = null;
        if (webhook is not null && (!Uri.TryCreate(webhook, UriKind.Absolute, out hook) || hook.Scheme != Uri.UriSchemeHttps))
            throw Usage($"--webhook {webhook}: not an absolute https URL");
        foreach (var a in allow)
            if (!PublicAddresses.TryParseNetwork(a, out _)) throw Usage($"--allow-host {a}: not an IP address or network (CIDR)");

        X509Certificate2Collection? roots = null;
        if (trustRoot is not null)
        {
            try
            {
                roots = [];
                roots.ImportFromPemFile(trustRoot.FullName);
                if (roots.Count == 0) throw Usage($"--trust-root {trustRoot.Name}: no certificate in the file");
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw Usage($"--trust-root {trustRoot.Name}: {ex.Message}");
            }
        }

        var target = new ProbeTarget(baseUrl) { Endpoints = endpoints, WebhookUrl = hook, Credential = env.GetVariable(CredentialVariable) };
        var options = new ProbeOptions { AllowedAddresses = allow, TrustedRoots = roots, TimeProvider = env.TimeProvider };
        ProbeReport report;
        try
        {
            report = await EndpointProbe.ProbeAsync(target, options, ct);
        }
        catch (ArgumentException ex)
        {
            throw Usage(ex.Message);
        }

        switch (format)
        {
            case OutputFormat.Json:
                await env.Out.WriteLineAsync(JsonSerializer.Serialize(report, ReportJson.Options));
                break;
            case OutputFormat.Sarif:
                await env.Out.WriteLineAsync(ReportSarif.Serialize(AsScanReport(report), AnalyzerCatalog.AllRules().Where(r => r.Id.StartsWith("probe.", StringComparison.Ordinal)).ToList()));
                break;
            default:
                WriteTable(env.Out, report);
                break;
        }
        return report.Verdict switch
        {
            Verdict.Incomplete => ExitCodes.Incomplete,
            Verdict.Reject => ExitCodes.GateSaidNo,
            _ => ExitCodes.Ok,
        };
    }

    private static CliException Usage(string message) => new(ExitCodes.Usage, CliErrorCodes.InvalidArgument, message);

    /// <summary>The probe's report in the engine's report shape, so SARIF comes from the one writer.</summary>
    private static ScanReport AsScanReport(ProbeReport r) => new(
        ScanReport.CurrentSchemaVersion, "gatehouse", CliVersion.Value, new ArtifactInfo(r.Target, "", 0, "web", null),
        r.Verdict, r.Reasons, r.Findings,
        [new AnalyzerRun(ProbeRules.AnalyzerId, r.ProbeVersion, r.Verdict == Verdict.Incomplete ? "incomplete" : "ok")],
        new ScanStats(0, 0, 0, r.DurationMs, r.Findings.GroupBy(f => f.Severity.ToString().ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count())));

    private static void WriteTable(TextWriter o, ProbeReport r)
    {
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Terminal.Sanitize(r.Target)}  probe {r.ProbeVersion}, {r.DurationMs} ms"));
        o.WriteLine($"verdict: {r.Verdict.ToString().ToUpperInvariant()}");
        foreach (var reason in r.Reasons) o.WriteLine($"  - {Terminal.Sanitize(reason)}");
        if (r.Checks.Count > 0)
        {
            o.WriteLine();
            foreach (var c in r.Checks) o.WriteLine($"{c.Status,-13} {Terminal.Sanitize(c.Name)}{(c.Detail is null ? "" : "  " + Terminal.Sanitize(c.Detail))}");
        }
        if (r.Findings.Count > 0)
        {
            o.WriteLine();
            o.WriteLine($"{"SEVERITY",-9} {"RULE",-36} URL / MESSAGE");
            foreach (var f in r.Findings)
            {
                o.WriteLine($"{f.Severity.ToString().ToLowerInvariant(),-9} {f.RuleId,-36} {Terminal.Sanitize(f.Path)}");
                o.WriteLine($"{"",-9} {"",-36} {Terminal.Sanitize(f.Message)}");
            }
        }
    }
}
