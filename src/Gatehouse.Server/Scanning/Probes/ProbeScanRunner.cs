using System.Text.Json;
using Gatehouse.Analysis.Probes;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Scanning.Probes;

/// <summary>
/// Runs probe scans (<see cref="ScanKind.Probe"/>): <see cref="EndpointProbe.ProbeAsync"/> against the target
/// <see cref="IProbeTargets"/> names (the version's reference, declared endpoints and the app's lifecycle webhook),
/// stored like any scan (<see cref="ScanResults"/>). Fails closed: a probe that throws, runs out of time or is refused
/// by the SSRF guard is <c>incomplete</c>, never <c>pass</c>.
/// </summary>
internal sealed class ProbeScanRunner(
    IProbeTargets targets, IOptions<ProbeSettings> settings, ScanResults results, TimeProvider time, ILogger<ProbeScanRunner> logger) : IScanRunner
{
    public ScanKind Kind => ScanKind.Probe;

    /// <summary>Probes and stores. Idempotent: a re-delivered scan is probed again and its findings replaced.</summary>
    public async Task RunAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var report = await ProbeAsync(scan, ct);
        scan.Error = report.Verdict == Verdict.Incomplete ? ScanResults.Clip(string.Join("; ", report.Reasons)) : null;
        await results.StoreAsync(scan, report.Verdict, report.Findings, JsonSerializer.Serialize(report, ReportJson.Options),
            [new("target", scan.Target), new("type", ProbeReports.ArtifactType)], ct);
    }

    private async Task<ProbeReport> ProbeAsync(Scan scan, CancellationToken ct)
    {
        var name = scan.Target ?? "";
        var (target, problem) = await targets.ResolveAsync(scan, ct);
        if (target is null) return Incomplete(name, problem!);
        var limit = settings.Value.MaxDuration;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(limit);
            return await EndpointProbe.ProbeAsync(target, settings.Value.ToProbeOptions(time), cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Incomplete(name, $"the probe did not finish within {limit} (Gatehouse:Probe:MaxDuration)");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // A malformed target (ArgumentException), an unreadable trust bundle, anything unexpected: fail closed.
            logger.LogWarning(ex, "Probe {Scan} of {Target} could not run", scan.Id, name);
            return Incomplete(name, $"the probe could not run: {ex.Message}");
        }
    }

    private static ProbeReport Incomplete(string target, string reason) =>
        new(target, ProbeRules.Version, Verdict.Incomplete, [reason], [], [], 0);
}
