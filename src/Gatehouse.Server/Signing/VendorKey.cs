namespace Gatehouse.Server.Signing;

/// <summary>
/// A vendor organisation's registered public key (table <c>vendor_keys</c>), ECDSA P-256, with which its members sign what
/// they submit (<c>gatehouse sign</c>). Revoking keeps the row (past verifications stay explainable) and refuses new use.
/// </summary>
internal sealed class VendorKey
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>RFC 7638 thumbprint of the public key (the key hint in the vendor's bundles).</summary>
    public required string KeyId { get; set; }
    public required string PublicKeyPem { get; set; }
    /// <summary>A label the vendor chose ("CI release key").</summary>
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
}
