using Gatehouse.Analysis.Images;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;

namespace Gatehouse.Server.Images;

/// <summary>
/// What a vendor declares on a container version's draft besides an uploaded image (issue 17): the image by registry
/// reference (with a registry credential of the organisation), and the smoke test. Members of the vendor organisation
/// only, while the version is editable; any change clears an earlier attestation (it covered what was there before).
/// </summary>
public sealed class VersionImages(AppAccess apps, GatehouseDb db, VendorRegistryCredentials credentials, AuditLog audit, TimeProvider time)
{
    /// <summary>
    /// Sets (or, with a null reference, clears) the image reference the submission's scan pulls. An uploaded image is
    /// forgotten: the version is the image the reference names at its scan, pinned by manifest digest from then on.
    /// </summary>
    public async Task<Outcome<VersionInfo>> SetImageAsync(HttpContext http, string app, string version, SetImageRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation set the image");
        if (row.Type != AppTypes.Container) return Refusal.Invalid($"only container apps have images (this app is {row.Type})");
        if (!VersionDrafts.Editable(v)) return VersionRefusals.InvalidTransition(v, "set the image");
        string? reference = null;
        if (request.Reference is not null)
        {
            if (request.Reference.Length > 2000) return ReferenceInvalid("reference is at most 2000 characters");
            if (!ImageReference.TryParse(request.Reference.Trim(), out var parsed, out var error) || parsed is null)
                return ReferenceInvalid($"reference cannot be read as an image reference: {Clip(error ?? "malformed")}");
            if (parsed.Registry is null)
                return ReferenceInvalid("reference must name its registry (e.g. registry.example.com/team/app:1.0): Gatehouse has no default registry");
            if (request.CredentialId is { } credentialId && !await credentials.ExistsAsync(row.OrganizationId, credentialId, parsed.Registry.ToLowerInvariant(), ct))
                return new Refusal(StatusCodes.Status400BadRequest, ProblemCodes.RegistryCredentialInvalid, "The registry credential is not valid",
                    $"credential {credentialId} is not one of the organisation's credentials for {parsed.Registry}");
            reference = parsed.ToString();
        }
        else if (request.CredentialId is not null) return Refusal.Invalid("a credential needs a reference");

        v.Reference = reference;
        v.RegistryCredentialId = reference is null ? null : request.CredentialId;
        // The version is what the reference names at its scan: an uploaded image no longer is it.
        v.ArtifactDigest = null;
        v.ArtifactName = null;
        v.ArtifactSize = 0;
        v.ArtifactContentType = null;
        v.ImageManifestDigest = null;
        VersionDrafts.ClearAttestation(v);
        v.UpdatedAt = time.GetUtcNow();
        audit.Record(db, AuditEvent.By(http, AuditActions.VersionImageSet, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, reference, credentialId = v.RegistryCredentialId }));
        await db.SaveChangesAsync(ct);
        return VersionInfo.From(row, v);
    }

    /// <summary>Sets (or, with nothing declared, clears) the smoke test the image scan runs.</summary>
    public async Task<Outcome<VersionInfo>> SetSmokeTestAsync(HttpContext http, string app, string version, SetSmokeTestRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation declare the smoke test");
        if (row.Type != AppTypes.Container) return Refusal.Invalid($"only container apps have smoke tests (this app is {row.Type})");
        if (!VersionDrafts.Editable(v)) return VersionRefusals.InvalidTransition(v, "declare the smoke test");
        var (spec, problem) = SmokeDeclaration.Validate(request);
        if (problem is not null)
            return new Refusal(StatusCodes.Status400BadRequest, ProblemCodes.SmokeTestInvalid, "The smoke test is not valid", problem);
        v.SmokeSpecJson = SmokeDeclaration.ToJson(spec);
        VersionDrafts.ClearAttestation(v);
        v.UpdatedAt = time.GetUtcNow();
        audit.Record(db, AuditEvent.By(http, AuditActions.VersionSmokeTestSet, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, check = spec is null ? "default" : spec.Command is not null ? "command" : "http" }));
        await db.SaveChangesAsync(ct);
        return VersionInfo.From(row, v);
    }

    /// <summary>Container versions submitted by reference whose image has not been pulled yet: their scan pulls it.</summary>
    internal static bool PullsByReference(App app, AppVersion v) => ContainerVersions.PullsByReference(app, v);

    private static Refusal ReferenceInvalid(string detail) =>
        new(StatusCodes.Status400BadRequest, ProblemCodes.ImageReferenceInvalid, "The image reference is not valid", detail);

    private static string Clip(string s) => s.Length <= 200 ? s : s[..200];
}
