using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Scanning;

namespace Gatehouse.Server.Apps;

/// <summary>
/// The vendor's own SBOM of a draft (<c>PUT /api/apps/{app}/versions/{version}/sbom</c>): members of the vendor
/// organisation only, while the version is a draft or changes were requested, a CycloneDX JSON document the server can
/// read (checked at once, so a bad one is refused now, not at the scan), at most <see cref="ScanSboms.MaxBytes"/>. It is
/// stored as a blob and named on the version; the submission scan compares it with what it finds (docs/sbom.md).
/// </summary>
internal sealed class VendorSboms(AppAccess apps, GatehouseDb db, AuditLog audit, ScanSboms sboms, TimeProvider time)
{
    /// <summary>Records the SBOM read by <paramref name="receive"/> as the version's; nothing is read before the caller and the state are checked.</summary>
    public async Task<Outcome<VendorSbomInfo>> UploadAsync(HttpContext http, string app, string version,
        Func<Guid, Task<BlobUpload>> receive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(receive);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation upload an SBOM");
        if (v.State is not (VersionStates.Draft or VersionStates.ChangesRequested)) return VersionRefusals.InvalidTransition(v, "upload an SBOM");
        var upload = await receive(row.OrganizationId);
        if (upload.Problem is not null) return Refusal.From(upload.Problem);
        var blob = upload.Blob!;
        var read = await sboms.ReadAsync(blob.Digest, "vendor-sbom", ct);
        if (read is not { Success: true })
            return new Refusal(StatusCodes.Status400BadRequest, ProblemCodes.SbomInvalid, "The SBOM cannot be read",
                read?.Error?.Message ?? "the upload is gone");
        v.VendorSbomDigest = blob.Digest;
        v.UpdatedAt = time.GetUtcNow();
        audit.Record(db, AuditEvent.By(http, AuditActions.VersionSbomUploaded, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, digest = blob.Digest, size = blob.Length, packages = read.Packages.Count, specVersion = read.SpecVersion }));
        await db.SaveChangesAsync(ct);
        return new VendorSbomInfo(row.Slug, v.Version, blob.Digest, blob.Length, read.SpecVersion, read.Packages.Count, read.ComponentsWithoutPurl, read.Warnings);
    }
}
