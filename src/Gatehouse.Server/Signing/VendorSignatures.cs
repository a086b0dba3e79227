using Gatehouse.Analysis.Signing;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The vendor's signature of a version (<c>PUT /api/apps/{app}/versions/{version}/signature</c>): a Sigstore bundle over
/// the version's uploaded artifact, checked at once against the organisation's active keys. Only a valid one is stored
/// (one per version, replaced by the next upload); it is checked again at submission (<see cref="VendorSignatureGuard"/>).
/// </summary>
internal sealed class VendorSignatures(AppAccess apps, GatehouseDb db, AuditLog audit, TimeProvider time)
{
    /// <summary>The stable code of a refused upload (docs/errors/signing.vendor-signature-invalid.md).</summary>
    public const string InvalidCode = ProblemCodes.VendorSignatureInvalid;

    /// <summary>
    /// Checks the route first (the version exists for the caller, a member of the vendor organisation, while a draft or
    /// changes were requested, with an artifact), then reads the body, at most <see cref="SigstoreBundle.MaxBundleBytes"/>.
    /// </summary>
    public async Task<Outcome<VendorSignatureInfo>> UploadAsync(HttpContext http, string app, string version, Stream body, long? length, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(body);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Identity.OrgAccess.NotAMember("upload a vendor signature");
        if (v.State is not (VersionStates.Draft or VersionStates.ChangesRequested)) return VersionRefusals.InvalidTransition(v, "upload a signature for");
        if (v.ArtifactDigest is null) return Refusal.Conflict("upload the version's artifact first (PUT …/artifact): the signature covers its SHA-256");
        if (length > SigstoreBundle.MaxBundleBytes) return TooLarge();
        byte[] bundle;
        try
        {
            using var buffer = new MemoryStream();
            await new LimitedReadStream(body, SigstoreBundle.MaxBundleBytes).CopyToAsync(buffer, ct);
            bundle = buffer.ToArray();
        }
        catch (BlobTooLargeException)
        {
            return TooLarge();
        }

        var keys = await db.Set<VendorKey>().AsNoTracking().Where(k => k.OrganizationId == row.OrganizationId).ToListAsync(ct);
        var result = VendorSignatureVerifier.Verify(bundle, v.ArtifactDigest, keys);
        var checkedEvent = AuditEvent.By(http, SigningAuditActions.VendorSignatureChecked, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, at = "upload", status = result.Status, keyId = result.KeyId, artifact = v.ArtifactDigest,
                bundleSha256 = VendorSignatureVerifier.Sha256Hex(bundle) });
        if (!result.Valid)
        {
            // Nothing is stored; the refused check is still on the record (it changes nothing else).
            await audit.AppendAsync(checkedEvent, ct);
            return new Refusal(StatusCodes.Status400BadRequest, InvalidCode, "The vendor signature does not verify",
                $"{result.Status}: {result.Message}", new Dictionary<string, object?> { ["reason"] = result.Status });
        }

        var now = time.GetUtcNow();
        var stored = await db.Set<VendorSignature>().FirstOrDefaultAsync(s => s.VersionId == v.Id, ct);
        if (stored is null)
        {
            stored = new VendorSignature { VersionId = v.Id, Bundle = bundle, Status = result.Status, UploadedBy = http.User.Id() };
            db.Set<VendorSignature>().Add(stored);
        }
        stored.Bundle = bundle;
        stored.Status = result.Status;
        stored.KeyId = result.KeyId;
        stored.ArtifactDigest = v.ArtifactDigest;
        stored.CheckedAt = now;
        stored.UploadedAt = now;
        stored.UploadedBy = http.User.Id();
        v.UpdatedAt = now;
        audit.Record(db, checkedEvent);
        await db.SaveChangesAsync(ct);
        return Info(row, v, stored, keys);
    }

    /// <summary>The version's vendor signature for members and staff; "not found" when there is none.</summary>
    public async Task<Outcome<VendorSignatureInfo>> GetAsync(System.Security.Claims.ClaimsPrincipal user, string app, string version, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(user, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        return await FindInfoAsync(row, v, ct) is { } info ? info : Refusal.NotFound("Vendor signature");
    }

    /// <summary>The stored signature of <paramref name="v"/> with its key's name, for the API and the console pages.</summary>
    public async Task<VendorSignatureInfo?> FindInfoAsync(App app, AppVersion v, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(v);
        var stored = await db.Set<VendorSignature>().AsNoTracking().FirstOrDefaultAsync(s => s.VersionId == v.Id, ct);
        if (stored is null) return null;
        var keys = await db.Set<VendorKey>().AsNoTracking().Where(k => k.OrganizationId == app.OrganizationId && k.KeyId == stored.KeyId).ToListAsync(ct);
        return Info(app, v, stored, keys);
    }

    private static VendorSignatureInfo Info(App app, AppVersion v, VendorSignature s, IReadOnlyList<VendorKey> keys) =>
        new(app.Slug, v.Version, s.Status, VendorSignatureVerifier.Describe(s.Status), s.KeyId, keys.FirstOrDefault(k => k.KeyId == s.KeyId)?.Name,
            s.ArtifactDigest, s.CheckedAt, s.UploadedAt, s.UploadedBy);

    private static Refusal TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, ProblemCodes.TooLarge, "The bundle is too large", $"the limit is {SigstoreBundle.MaxBundleBytes} bytes");
}
