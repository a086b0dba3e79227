using System.Text.Json;
using Gatehouse.Analysis.Probes;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Probes;

/// <summary>
/// The scan job of a probe scan (<see cref="ProbeScans"/>): runs <see cref="EndpointProbe.ProbeAsync"/> against the
/// version's reference, declared endpoints and the app's lifecycle webhook, and stores the report and its findings
/// like an artifact scan's. Fails closed: a probe that throws, runs out of time or is refused by the SSRF guard is
/// <c>incomplete</c>, never <c>pass</c>.
/// </summary>
public sealed class ProbeScanRunner(
    GatehouseDb db, IOptions<ProbeSettings> settings, TimeProvider time, AuditLog audit, ILogger<ProbeScanRunner> logger)
{
    /// <summary>Probes, stores, and returns the verdict. Idempotent: a re-delivered scan is probed again and its findings replaced.</summary>
    public async Task<string> RunAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var report = await ProbeAsync(scan, ct);

        await db.ScanFindings.Where(f => f.ScanId == scan.Id).ExecuteDeleteAsync(ct);
        scan.Findings = report.Findings.Select(f => new ScanFinding
        {
            ScanId = scan.Id, RuleId = f.RuleId, Severity = f.Severity.ToString().ToLowerInvariant(), Path = f.Path,
            Message = f.Message, Fingerprint = f.Fingerprint, RequirementId = f.RequirementId, AnalyzerId = f.AnalyzerId,
            Evidence = f.Evidence, Line = f.Line,
        }).ToList();
        scan.ReportJson = JsonSerializer.Serialize(report, ReportJson.Options);
        scan.Verdict = report.Verdict.ToString().ToLowerInvariant();
        scan.Error = report.Verdict == Verdict.Incomplete ? Clip(string.Join("; ", report.Reasons)) : null;
        scan.State = ScanState.Done;
        scan.CompletedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(new AuditEvent(AuditActions.ScanCompleted, "system", scan.OrganizationId.ToString(), scan.Id.ToString(),
            Data: new { scan.Verdict, findings = report.Findings.Count, target = scan.Target, type = ProbeScans.ArtifactType }), ct);
        logger.LogInformation("Probe {Scan} of {Target}: {Verdict} with {Count} findings", scan.Id, scan.Target, scan.Verdict, report.Findings.Count);
        return scan.Verdict;
    }

    private async Task<ProbeReport> ProbeAsync(Scan scan, CancellationToken ct)
    {
        var name = scan.Target ?? "";
        var (target, problem) = await TargetAsync(scan, ct);
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

    /// <summary>Base URL (the scan's target), declared endpoints (the version's) and the app's lifecycle webhook (https only).</summary>
    private async Task<(ProbeTarget?, string?)> TargetAsync(Scan scan, CancellationToken ct)
    {
        if (!Uri.TryCreate(scan.Target, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme != Uri.UriSchemeHttps)
            return (null, $"the target {scan.Target} is not an absolute https URL");
        var v = scan.SubjectId is { } id ? await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) : null;
        if (v is null) return (null, "the probed version does not exist");
        IReadOnlyList<string> endpoints;
        try { endpoints = ProbeEndpoints.Parse(v.EndpointsJson); }
        catch (JsonException) { return (null, "the version's declared endpoints are not a JSON array of strings"); }
        var hooks = await db.WebhookEndpoints.AsNoTracking().Where(w => w.AppId == v.AppId && w.Active)
            .OrderBy(w => w.CreatedAt).Select(w => w.Url).ToListAsync(ct);
        var hook = hooks.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var h) && h.Scheme == Uri.UriSchemeHttps ? h : null).FirstOrDefault(h => h is not null);
        return (new ProbeTarget(baseUrl) { Endpoints = endpoints, WebhookUrl = hook }, null);
    }

    private static ProbeReport Incomplete(string target, string reason) =>
        new(target, ProbeRules.Version, Verdict.Incomplete, [reason], [], [], 0);

    private static string Clip(string s) => s.Length <= 500 ? s : s[..500];
}
