using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Retention;

/// <summary>
/// The retention rule: a blob that organisations uploaded but that no app version, evidence item or scan (report)
/// references is deleted once its last upload is older than <c>Blobs:RetentionGracePeriod</c>, so a replaced artifact
/// or an abandoned upload stops counting against the quota and stops costing storage. Runs periodically
/// (<c>Jobs:BlobRetentionInterval</c>) through the work queue, on whichever blob store is configured (it deletes through
/// <see cref="IBlobStore"/>). Only blobs recorded in <see cref="BlobUploadRecord"/> are candidates: anything else in the
/// store (files from before the records existed, the readiness probe) is never touched.
/// </summary>
internal sealed class BlobRetentionHandler(GatehouseDb db, IBlobStore blobs, AuditLog audit, TimeProvider time,
    IOptions<BlobStoreOptions> options, ILogger<BlobRetentionHandler> logger) : IWorkHandler
{
    public const string KindName = "blobs.retention";
    public string Kind => KindName;

    /// <summary>Candidates looked at per run, so one run stays short; the next run continues.</summary>
    private const int BatchSize = 500;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        var deleted = await RunOnceAsync(ct);
        return JsonSerializer.Serialize(new { deleted = deleted.Count, bytes = deleted.Sum(d => d.Size) }, JsonSerializerOptions.Web);
    }

    /// <summary>One pass: deletes the orphaned blobs past the grace period and returns them.</summary>
    public async Task<List<(string Digest, long Size)>> RunOnceAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - options.Value.RetentionGracePeriod;
        var records = db.Set<BlobUploadRecord>();
        // A digest whose every upload is older than the cutoff and that nothing references.
        var candidates = await records
            .GroupBy(b => b.Digest)
            .Where(g => g.Max(b => b.UploadedAt) < cutoff)
            .Select(g => new { Digest = g.Key, Size = g.Max(b => b.Size) })
            .Where(c => !db.AppVersions.Any(v => v.ArtifactDigest == c.Digest || v.VendorSbomDigest == c.Digest)
                     && !db.EvidenceItems.Any(e => e.BlobDigest == c.Digest)
                     && !db.Scans.Any(s => s.BlobDigest == c.Digest || s.SbomBlob == c.Digest || s.DeclaredSbomBlob == c.Digest))
            .OrderBy(c => c.Digest)
            .Take(BatchSize)
            .ToListAsync(ct);
        // The store's files cannot share the database's transaction, so the order decides what a crash can leave (issue 14).
        // First, in one transaction: the upload records go and the audit entry names the blobs they leave unreferenced, so
        // they are committed together or not at all. Then, after the commit, the files are deleted. A crash (or a failed
        // delete) in between leaves a file that nothing refers to and no record names, never a record, version or scan
        // pointing at a deleted file, and never a deletion without its entry. The other order (files first) could leave
        // records of deleted blobs with no entry, and would count the blobs as deleted before they were.
        var deleted = new List<(string Digest, long Size)>();
        await db.InTransactionAsync(async () =>
        {
            foreach (var c in candidates)
            {
                // The records go first, and only while still old: an upload of the same file since then keeps it.
                var gone = await records.Where(b => b.Digest == c.Digest && b.UploadedAt < cutoff).ExecuteDeleteAsync(ct);
                if (gone == 0 || await records.AnyAsync(b => b.Digest == c.Digest, ct)) continue;
                // Checked again right before deleting: a version may have taken the blob up since the query above.
                if (await db.AppVersions.AnyAsync(v => v.ArtifactDigest == c.Digest || v.VendorSbomDigest == c.Digest, ct)
                    || await db.EvidenceItems.AnyAsync(e => e.BlobDigest == c.Digest, ct)
                    || await db.Scans.AnyAsync(s => s.BlobDigest == c.Digest || s.SbomBlob == c.Digest || s.DeclaredSbomBlob == c.Digest, ct))
                    continue;
                if (!BlobDigest.IsValid(c.Digest)) continue;
                deleted.Add((c.Digest, c.Size));
            }
            if (deleted.Count > 0)
            {
                audit.Record(db, new AuditEvent(AuditActions.BlobsRetained, "system",
                    Data: new { deleted = deleted.Count, bytes = deleted.Sum(d => d.Size), digests = deleted.Select(d => d.Digest).Take(100) }));
                await db.SaveChangesAsync(ct);
            }
        }, ct);
        foreach (var (digest, _) in deleted)
        {
            try
            {
                await blobs.DeleteAsync(digest, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Its record is gone and its deletion audited: the file only takes space now. Say which, and go on with the others.
                logger.LogWarning(ex, "Blob retention could not delete {Digest} from the store; nothing refers to it any more", digest);
            }
        }
        if (deleted.Count > 0)
            logger.LogInformation("Blob retention deleted {Count} unreferenced blobs ({Bytes} bytes)", deleted.Count, deleted.Sum(d => d.Size));
        return deleted;
    }
}
