using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>
/// Which organisation uploaded a blob, and when it last did: the basis of the per-organisation storage quota
/// (<c>Blobs:OrgQuotaBytes</c>) and of the retention rule (<c>Retention/BlobRetentionHandler</c>). One row per
/// organisation and digest, so the same file uploaded twice counts once.
/// </summary>
internal sealed class BlobUploadRecord
{
    public long Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary><c>sha256:</c> and 64 hex digits.</summary>
    public required string Digest { get; set; }
    public long Size { get; set; }
    /// <summary>The latest upload of this digest by this organisation; the retention grace period counts from it.</summary>
    public DateTimeOffset UploadedAt { get; set; }
}


/// <summary>
/// The per-organisation storage quota: the bytes of the distinct blobs an organisation uploaded that are still stored
/// (referenced or within the retention grace period), against <c>Blobs:OrgQuotaBytes</c>.
/// </summary>
internal sealed class BlobQuotas(GatehouseDb db, IOptions<BlobStoreOptions> options, TimeProvider time)
{
    /// <summary>The quota in bytes; 0 means none.</summary>
    public long Quota => options.Value.OrgQuotaBytes;

    public async Task<long> UsedAsync(Guid orgId, CancellationToken ct) =>
        await db.Set<BlobUploadRecord>().Where(b => b.OrganizationId == orgId).SumAsync(b => (long?)b.Size, ct) ?? 0;

    /// <summary>How many more bytes the organisation may store, or null when there is no quota.</summary>
    public async Task<long?> RemainingAsync(Guid orgId, CancellationToken ct) =>
        Quota <= 0 ? null : Math.Max(0, Quota - await UsedAsync(orgId, ct));

    /// <summary>Records that <paramref name="orgId"/> uploaded <paramref name="blob"/> now (again: the grace period restarts).</summary>
    public async Task RecordAsync(Guid orgId, BlobRef blob, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var now = time.GetUtcNow();
        var set = db.Set<BlobUploadRecord>();
        if (await set.Where(b => b.OrganizationId == orgId && b.Digest == blob.Digest)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.UploadedAt, now), ct) > 0) return;
        set.Add(new BlobUploadRecord { OrganizationId = orgId, Digest = blob.Digest, Size = blob.Length, UploadedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent upload of the same file by the same organisation recorded it first; refresh its time.
            db.ChangeTracker.Clear();
            await set.Where(b => b.OrganizationId == orgId && b.Digest == blob.Digest)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.UploadedAt, now), ct);
        }
    }
}
