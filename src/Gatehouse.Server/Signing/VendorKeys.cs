using Gatehouse.Analysis.Signing;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Signing;

/// <summary>
/// A vendor organisation's registered signing keys (docs/signing.md#vendor-signatures): members and staff list them, the
/// organisation's owner registers them (staff never act for a vendor), the owner or an admin revokes one (protective). An
/// organisation the caller may not see is "not found"; keys are public halves only.
/// </summary>
public sealed class VendorKeys(OrgAccess access, GatehouseDb db, AuditLog audit, TimeProvider time)
{
    /// <summary>Active keys an organisation may hold at once (revoked ones do not count).</summary>
    public const int MaxActiveKeys = 20;

    public async Task<Outcome<List<VendorKeyInfo>>> ListAsync(System.Security.Claims.ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Refusal.NotFound("Organization");
        var rows = await db.Set<VendorKey>().AsNoTracking().Where(k => k.OrganizationId == orgId).ToListAsync(ct);
        return rows.OrderBy(k => k.CreatedAt).Select(VendorKeyInfo.From).ToList();
    }

    /// <summary>Registers a P-256 public key for the organisation (its owner); the key and its audit entry commit together.</summary>
    public async Task<Outcome<VendorKeyInfo>> AddAsync(HttpContext http, Guid orgId, AddVendorKeyRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        if (!await access.CanManageAsync(http.User, orgId, ct)) return Refusal.Forbidden("only the organisation's owner registers signing keys");
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100 || name.Any(char.IsControl)) return Refusal.Invalid("name must be 1-100 characters without control characters");
        if (string.IsNullOrWhiteSpace(request.PublicKeyPem)) return Refusal.Invalid("publicKeyPem must be an ECDSA P-256 public key in PEM (-----BEGIN PUBLIC KEY-----)");
        PublicKey key;
        try
        {
            key = PublicKey.FromPem(request.PublicKeyPem);
        }
        catch (FormatException e)
        {
            return Refusal.Invalid("publicKeyPem: " + e.Message + " (an ECDSA P-256 public key in PEM, e.g. openssl ec -pubout)");
        }
        var keys = db.Set<VendorKey>();
        if (await keys.AnyAsync(k => k.OrganizationId == orgId && k.KeyId == key.KeyId, ct))
            return Refusal.Conflict($"the key {key.KeyId} is already registered for this organisation (a revoked key cannot be registered again)");
        if (await keys.CountAsync(k => k.OrganizationId == orgId && k.RevokedAt == null, ct) >= MaxActiveKeys)
            return Refusal.Conflict($"an organisation has at most {MaxActiveKeys} active signing keys; revoke one first");
        var now = time.GetUtcNow();
        var row = new VendorKey
        {
            Id = Guid.CreateVersion7(now), OrganizationId = orgId, KeyId = key.KeyId, PublicKeyPem = key.ToPem(), Name = name,
            CreatedAt = now, CreatedBy = http.User.Id(),
        };
        keys.Add(row);
        audit.Record(db, AuditEvent.By(http, SigningAuditActions.VendorKeyAdded, orgId.ToString(), row.KeyId, new { id = row.Id, name }));
        await db.SaveChangesAsync(ct);
        return VendorKeyInfo.From(row);
    }

    /// <summary>
    /// Revokes a key (by its id or key id): the owner, or an admin (revoking is protective). The row stays, so past checks
    /// remain explainable; signatures by it are refused from now on, at upload and at submission. Revoking twice is a no-op.
    /// </summary>
    public async Task<Outcome<VendorKeyInfo>> RevokeAsync(HttpContext http, Guid orgId, string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(key);
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        var keys = db.Set<VendorKey>().Where(k => k.OrganizationId == orgId);
        var row = Guid.TryParse(key, out var id)
            ? await keys.FirstOrDefaultAsync(k => k.Id == id, ct)
            : await keys.FirstOrDefaultAsync(k => k.KeyId == key, ct);
        if (row is null) return Refusal.NotFound("Signing key");
        if (!await access.CanManageAsync(http.User, orgId, ct) && !await access.IsAdminAsync(http.User))
            return Refusal.Forbidden("only the organisation's owner or an admin revokes signing keys");
        if (row.RevokedAt is not null) return VendorKeyInfo.From(row);
        row.RevokedAt = time.GetUtcNow();
        row.RevokedBy = http.User.Id();
        audit.Record(db, AuditEvent.By(http, SigningAuditActions.VendorKeyRevoked, orgId.ToString(), row.KeyId, new { id = row.Id, name = row.Name }));
        await db.SaveChangesAsync(ct);
        return VendorKeyInfo.From(row);
    }
}
