namespace Gatehouse.Server.Signing;

/// <summary>A registered vendor key as the API shows it (<c>GET /api/orgs/{orgId}/signing-keys</c>).</summary>
/// <param name="Status"><c>active</c> or <c>revoked</c>.</param>
public sealed record VendorKeyInfo(Guid Id, Guid OrganizationId, string KeyId, string Name, string PublicKeyPem, string Status,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? RevokedBy)
{
    internal static VendorKeyInfo From(VendorKey k) => new(k.Id, k.OrganizationId, k.KeyId, k.Name, k.PublicKeyPem,
        k.RevokedAt is null ? "active" : "revoked", k.CreatedAt, k.CreatedBy, k.RevokedAt, k.RevokedBy);
}
