namespace Gatehouse.Server.Downloads;

/// <summary>
/// An HMAC key for download URLs. The newest active key signs; every key that is not retired verifies, so a
/// rotation does not break URLs already handed out. The secret is kept encrypted with data protection.
/// </summary>
public sealed class DownloadKey
{
    /// <summary>The public key id carried in URLs (<c>kid</c>).</summary>
    public required string Id { get; set; }
    public required string ProtectedSecret { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    /// <summary>From then on the key verifies nothing (set by retire, or by rotation plus the overlap window).</summary>
    public DateTimeOffset? RetiresAt { get; set; }
}

/// <summary>One served download (a full file or a range), for per-tenant counts; the audit log has each one too.</summary>
internal sealed class DownloadRecord
{
    public long Id { get; set; }
    public Guid AppId { get; set; }
    public Guid VersionId { get; set; }
    public Guid? TenantId { get; set; }
    public string? UserId { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>200 or 206.</summary>
    public int Status { get; set; }
    /// <summary>First byte served (0 for a whole file); a download counts once, by its request that starts at 0.</summary>
    public long Offset { get; set; }
    public long Bytes { get; set; }
    public string? ClientAddress { get; set; }
}
