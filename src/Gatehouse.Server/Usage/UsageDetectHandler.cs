using System.Text.Json;
using Gatehouse.Analysis.Usage;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Usage;

/// <summary>
/// The <c>usage.detect</c> work (every <c>Usage:DetectEvery</c>): runs every engine detector over each app with usage
/// in the baseline period or with granted scopes, for the last complete hour, and records the findings
/// (<see cref="UsageAlertRecorder"/>). Idempotent: the same hour run twice records nothing twice. An app that fails is
/// logged and the others still run; the item then fails so that it is retried (which redoes only what is missing).
/// </summary>
internal sealed class UsageDetectHandler(
    GatehouseDb db, UsageWindows windows, UsageAlertRecorder recorder, TimeProvider time, IOptions<UsageDetectorOptions> detectorOptions,
    ILogger<UsageDetectHandler> logger) : IWorkHandler
{
    public const string KindName = "usage.detect";
    public string Kind => KindName;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        var summary = await RunOnceAsync(ct);
        if (summary.Failed > 0) throw new InvalidOperationException($"usage detection failed for {summary.Failed} of {summary.Apps} apps (see the log)");
        return JsonSerializer.Serialize(summary, JsonSerializerOptions.Web);
    }

    /// <summary>What one run did.</summary>
    public sealed record Summary(DateTimeOffset Hour, int Apps, int Findings, int Raised, int Updated, int Unchanged, int Actions, int Failed);

    /// <summary>One run at the current hour (the detectors evaluate the hour before it).</summary>
    public async Task<Summary> RunOnceAsync(CancellationToken ct)
    {
        // The hour boundary, not the instant: every detector then sees the same window whenever in the hour the run
        // starts, and the evidence (and so the dedup of a re-driven run) is the same.
        var now = UsageWindows.HourOf(time.GetUtcNow());
        var options = detectorOptions.Value;
        var detectors = UsageDetectors.All(options);
        var appIds = await windows.AppsAsync(now, options, ct);
        int findings = 0, raised = 0, updated = 0, unchanged = 0, acted = 0, failed = 0;
        foreach (var appId in appIds)
        {
            try
            {
                var app = await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appId, ct);
                if (app is null) continue;
                var window = await windows.WindowAsync(appId, now, options, ct);
                var alerts = UsageDetectors.DetectAll(detectors, window, now);
                findings += alerts.Count;
                var r = await recorder.RecordAsync(app, alerts, ct);
                (raised, updated, unchanged, acted) = (raised + r.Raised, updated + r.Updated, unchanged + r.Unchanged, acted + r.Actions);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failed++;
                logger.LogError(e, "Usage detection failed for app {App}", appId);
            }
            finally
            {
                // One app at a time in memory: nothing tracked carries over to the next app.
                db.ChangeTracker.Clear();
            }
        }
        if (raised + acted > 0)
            logger.LogInformation("Usage detection for the hour before {Hour:O}: {Apps} apps, {Raised} alerts raised, {Updated} updated, {Actions} actions",
                now, appIds.Count, raised, updated, acted);
        return new Summary(now, appIds.Count, findings, raised, updated, unchanged, acted, failed);
    }
}
