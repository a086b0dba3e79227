using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The admin's operations on the platform keys, shared by the API (<see cref="PlatformKeysApi"/>), the console
/// (<c>/console/admin/signing-keys</c>) and so <c>gatehouse keys</c>: list, rotate (a new active key; the previous one is
/// superseded and still published), retire (published as retired; its signatures are refused from then on, so every
/// published version it signed gets a <c>signing.sign</c> item that re-signs it with the active key). Each change and its
/// audit entry (and those work items) commit in one unit of work, then the in-memory ring is refreshed.
/// </summary>
internal sealed class PlatformKeys(GatehouseDb db, PlatformKeyRing ring, AuditLog audit, WorkQueue queue, TimeProvider time)
{
    /// <summary>Every key, the active one first, then newest first, read from the database (not the ring's cache), so an admin sees the current state.</summary>
    public async Task<IReadOnlyList<PlatformKeyView>> ListAsync(CancellationToken ct)
    {
        var rows = await db.Set<SigningKey>().AsNoTracking().ToListAsync(ct);
        var activeId = PlatformKeyStatus.ActiveId(rows);
        return [.. PlatformKeyStatus.InOrder(rows).Select(k => View(k, activeId))];
    }

    /// <summary>
    /// Makes a new key with the configured provider: it signs from now on; every key that was active is superseded at the
    /// new key's creation time (still published, its signatures still verify).
    /// </summary>
    public async Task<Outcome<RotatedPlatformKey>> RotateAsync(HttpContext http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var previous = await db.Set<SigningKey>().Where(k => k.SupersededAt == null && k.RetiredAt == null).ToListAsync(ct);
        var row = ring.Add(db, http.User.Id());
        foreach (var p in previous) p.SupersededAt = row.CreatedAt;
        var superseded = previous.Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
        audit.Record(db, AuditEvent.By(http, SigningAuditActions.KeyCreated, subject: row.Id,
            data: new { provider = row.Provider, superseded }));
        await db.SaveChangesAsync(ct);
        await ring.RefreshAsync(ct);
        return new RotatedPlatformKey(View(row, row.Id), superseded);
    }

    /// <summary>
    /// Retires a superseded key now: it is published as retired with the date and verifiers refuse its signatures. The
    /// active key cannot be retired (nothing would sign): rotate first. Every currently published version with a signature
    /// by the key gets a <c>signing.sign</c> item in the same unit of work as the retirement, so a crash right after the
    /// commit still re-signs them (the work machinery re-drives committed items); the handler replaces the retired key's
    /// signatures (<see cref="ArtifactSigner.SignVersionAsync"/>). Versions not published now are re-signed when they are
    /// published again (their publication queues the same item).
    /// </summary>
    public async Task<Outcome<PlatformKeyView>> RetireAsync(HttpContext http, string kid, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(kid);
        var rows = await db.Set<SigningKey>().ToListAsync(ct);
        var row = rows.FirstOrDefault(k => string.Equals(k.Id, kid, StringComparison.Ordinal));
        if (row is null) return Refusal.NotFound("Signing key");
        if (row.RetiredAt is { } at) return Refusal.Conflict($"key {kid} was already retired at {PublishedKeys.Rfc3339(at)}");
        var activeId = PlatformKeyStatus.ActiveId(rows);
        if (string.Equals(activeId, kid, StringComparison.Ordinal))
            return Refusal.Conflict($"key {kid} is the active key: rotate first (a new key takes over signing), then retire it");
        row.RetiredAt = time.GetUtcNow();
        row.RetiredBy = http.User.Id();
        var resign = await db.Set<ArtifactSignature>().AsNoTracking().Where(s => s.KeyId == kid)
            .Join(db.AppVersions.Where(v => v.State == VersionStates.Published), s => s.VersionId, v => v.Id, (s, v) => v.Id)
            .Distinct().ToListAsync(ct);
        foreach (var versionId in resign.Order()) queue.Add(SigningWork.Sign, SigningWork.Payload(versionId), SigningWork.MaxAttempts);
        audit.Record(db, AuditEvent.By(http, SigningAuditActions.KeyRetired, subject: row.Id,
            data: new { createdAt = PublishedKeys.Rfc3339(row.CreatedAt), supersededAt = row.SupersededAt is { } s ? PublishedKeys.Rfc3339(s) : null, resigning = resign.Count }));
        await db.SaveChangesAsync(ct);
        await ring.RefreshAsync(ct);
        return View(row, activeId);
    }

    /// <summary>The path of one key's PEM under the well-known keys.</summary>
    public static string PemPath(string kid) => $"{PlatformKeysApi.WellKnown}/keys/{kid}.pem";

    private static PlatformKeyView View(SigningKey k, string? activeId) => new(
        k.Id, PlatformKeyStatus.Of(k, activeId), k.Algorithm, k.Provider, k.CreatedAt, k.CreatedBy, k.SupersededAt, k.RetiredAt, k.RetiredBy,
        OpenPgpKey.Fingerprint(PublicKey.FromPem(k.PublicKeyPem), k.CreatedAt), PemPath(k.Id));
}

/// <summary>A platform key as admins see it (no private material).</summary>
/// <param name="Kid">RFC 7638 thumbprint: the JWKS <c>kid</c> and the bundles' key hint.</param>
/// <param name="Status"><c>active</c>, <c>superseded</c> or <c>retired</c> (<see cref="PlatformKeyStatus"/>).</param>
/// <param name="OpenPgpFingerprint">The fingerprint <c>helm verify</c> and gpg show for this key's .prov signatures.</param>
/// <param name="PemUrl">The path of the key's PEM (<c>/.well-known/gatehouse/keys/{kid}.pem</c>).</param>
internal sealed record PlatformKeyView(string Kid, string Status, string Algorithm, string Provider, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? SupersededAt, DateTimeOffset? RetiredAt, string? RetiredBy, string OpenPgpFingerprint, string PemUrl);

/// <summary>The answer to a rotation: the new active key and the ids of the keys it superseded.</summary>
internal sealed record RotatedPlatformKey(PlatformKeyView Key, IReadOnlyList<string> Superseded);
