using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// The work item of every scan: hands the scan to the <see cref="IScanRunner"/> of its <see cref="Scan.Kind"/>, then
/// tells the <see cref="IScanCompletion"/> registered for its purpose. Idempotent: a finished scan is left alone (its
/// owner is told again), a re-delivered one is run again and its findings replaced.
/// </summary>
internal sealed class ScanArtifactHandler(
    GatehouseDb db, IEnumerable<IScanRunner> runners, ScanResults results, IEnumerable<IScanCompletion> completions) : IWorkHandler
{
    public const string KindName = "scan.artifact";
    public string Kind => KindName;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        var scanId = JsonDocument.Parse(item.Payload).RootElement.GetProperty("scanId").GetGuid();
        var scan = await db.Scans.FirstOrDefaultAsync(s => s.Id == scanId, ct)
            ?? throw new InvalidOperationException($"scan {scanId} does not exist");
        if (scan.State is ScanState.Done or ScanState.Failed)
        {
            // Finished before, but the owner may not have heard (a crash in between): tell it again.
            await CompleteAsync(scan, ct);
            return VerdictNames.Of(scan.Verdict);
        }
        scan.State = ScanState.Running;
        await db.SaveChangesAsync(ct);

        try
        {
            var runner = runners.SingleOrDefault(r => r.Kind == scan.Kind)
                ?? throw new InvalidOperationException($"no runner for scans of kind {scan.Kind}");
            await runner.RunAsync(scan, ct);
            await CompleteAsync(scan, ct);
            return VerdictNames.Of(scan.Verdict);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && item.Attempts >= item.MaxAttempts)
        {
            // The last attempt: the scan ends failed with an incomplete verdict (never a pass), and says why.
            await results.FailAsync(scan, ex);
            await CompleteAsync(scan, CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Every attempt died with its worker (an artifact that kills the scanner, say): the scan ends failed with an
    /// incomplete verdict, never a pass, and its owner is told, so a version never waits for it forever.
    /// </summary>
    public async Task AbandonAsync(WorkItem item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(item);
        var scanId = JsonDocument.Parse(item.Payload).RootElement.GetProperty("scanId").GetGuid();
        if (await db.Scans.FirstOrDefaultAsync(s => s.Id == scanId, ct) is not { } scan) return;
        if (scan.State is not (ScanState.Done or ScanState.Failed))
            await results.FailAsync(scan, new InvalidOperationException(
                $"the scanner's process died during each of {item.MaxAttempts} attempts (killed or out of memory)"));
        await CompleteAsync(scan, ct);
    }

    private async Task CompleteAsync(Scan scan, CancellationToken ct)
    {
        foreach (var completion in completions.Where(c => c.Purpose == scan.Purpose))
            await completion.OnCompletedAsync(scan, ct);
    }
}
