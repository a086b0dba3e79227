using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Scanning;

/// <summary>What to scan and why.</summary>
/// <param name="PolicyVersion">Listing policy version whose <c>analysis</c> section judges the scan (null: the server's engine policy).</param>
/// <param name="Target">Endpoint probes: the base URL probed (<see cref="Scan.Target"/>).</param>
/// <param name="DeclaredSbom">The vendor's SBOM to compare with what the scan finds (<see cref="Scan.DeclaredSbomBlob"/>).</param>
/// <param name="BasedOnScanId">SBOM re-matches: the scan whose SBOM is matched again (<see cref="Scan.BasedOnScanId"/>).</param>
public sealed record ScanRequest(
    Guid OrganizationId, string RequestedBy, string BlobDigest, long Size, string FileName, string ArtifactType,
    string Purpose, Guid? SubjectId = null, int? PolicyVersion = null, string? Target = null,
    string? DeclaredSbom = null, Guid? BasedOnScanId = null);

/// <summary>
/// The one way to start a scan: the scan row and its work item are added to the caller's unit of work, so they are
/// committed together with the change that asked for the scan (a version's move to <c>scanning</c> and its current
/// scan, an evidence upload) or not at all, and the work is dispatched once they are. When the scan ends, the
/// <see cref="IScanCompletion"/> registered for its purpose is told (evidence, versions).
/// </summary>
public sealed class ScanStarter(GatehouseDb db, WorkQueue queue, TimeProvider time)
{
    /// <summary>Adds the scan and its work item to the unit of work; the caller saves (nothing runs before that).</summary>
    public Scan Add(ScanRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        var scan = new Scan
        {
            Id = Guid.CreateVersion7(now), OrganizationId = request.OrganizationId, SubmittedBy = request.RequestedBy,
            BlobDigest = request.BlobDigest, Size = request.Size, FileName = request.FileName, ArtifactType = request.ArtifactType,
            State = ScanState.Queued, CreatedAt = now, Purpose = request.Purpose, SubjectId = request.SubjectId,
            PolicyVersion = request.PolicyVersion, Target = request.Target,
            DeclaredSbomBlob = request.DeclaredSbom, BasedOnScanId = request.BasedOnScanId,
        };
        db.Scans.Add(scan);
        scan.WorkItemId = queue.Add(ScanArtifactHandler.KindName, JsonSerializer.Serialize(new { scanId = scan.Id })).Id;
        return scan;
    }

    /// <summary>Adds the scan (<see cref="Add"/>) and saves at once: a scan no other change waits for (an ad-hoc scan).</summary>
    public async Task<Scan> StartAsync(ScanRequest request, CancellationToken ct)
    {
        var scan = Add(request);
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
