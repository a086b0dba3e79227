using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Scanning;

/// <summary>What to scan and why.</summary>
/// <param name="PolicyVersion">Listing policy version whose <c>analysis</c> section judges the scan (null: the server's engine policy).</param>
/// <param name="Target">Endpoint probes: the base URL probed (<see cref="Scan.Target"/>).</param>
public sealed record ScanRequest(
    Guid OrganizationId, string RequestedBy, string BlobDigest, long Size, string FileName, string ArtifactType,
    string Purpose, Guid? SubjectId = null, int? PolicyVersion = null, string? Target = null);

/// <summary>
/// The one way to start a scan: the row first, then the work item. When the scan ends, the
/// <see cref="IScanCompletion"/> registered for its purpose is told (evidence, versions).
/// </summary>
public sealed class ScanStarter(GatehouseDb db, WorkQueue queue, TimeProvider time)
{
    /// <param name="beforeDispatch">
    /// Runs once the scan has its id and before the work is handed to a worker; changes it makes to
    /// tracked rows are saved with the work item. Owners record the scan here, so that a fast scan can
    /// never finish before its owner knows about it.
    /// </param>
    public async Task<Scan> StartAsync(ScanRequest request, CancellationToken ct, Action<Scan>? beforeDispatch = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var scan = new Scan
        {
            Id = Guid.CreateVersion7(now), OrganizationId = request.OrganizationId, SubmittedBy = request.RequestedBy,
            BlobDigest = request.BlobDigest, Size = request.Size, FileName = request.FileName, ArtifactType = request.ArtifactType,
            State = ScanState.Queued, CreatedAt = now, Purpose = request.Purpose, SubjectId = request.SubjectId,
            PolicyVersion = request.PolicyVersion, Target = request.Target,
        };
        db.Scans.Add(scan);
        beforeDispatch?.Invoke(scan);
        await db.SaveChangesAsync(ct);
        var work = await queue.EnqueueAsync(ScanArtifactHandler.KindName, JsonSerializer.Serialize(new { scanId = scan.Id }), ct);
        scan.WorkItemId = work.Id;
        await db.SaveChangesAsync(ct);
        return scan;
    }
}

/// <summary>
/// Told when a scan of its <see cref="Purpose"/> has a verdict (including <c>incomplete</c> after the last
/// attempt). Must be idempotent: a re-delivered work item tells it again.
/// </summary>
internal interface IScanCompletion
{
    string Purpose { get; }
    Task OnCompletedAsync(Scan scan, CancellationToken ct);
}
