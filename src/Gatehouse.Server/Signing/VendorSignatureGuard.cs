using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Listing;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The vendor signature at submission (docs/lifecycle.md, docs/signing.md#vendor-signatures): a stored signature is
/// verified again against the version's artifact digest and the organisation's keys as they are now (a key revoked or an
/// artifact replaced since the upload is caught), and blocks the submission when it no longer verifies
/// (<c>signing.vendor-signature-invalid</c>); a tier with <c>requireVendorSignature</c> blocks a version without one
/// (<c>signing.vendor-signature-required</c>). When the submission goes ahead, the re-check is saved with it and audited.
/// </summary>
internal sealed class VendorSignatureGuard(GatehouseDb db, ListingPolicies listing, AuditLog audit, TimeProvider time)
    : ISubmissionGuard, IVersionTransitionObserver
{
    public const string Required = "signing.vendor-signature-required";
    public const string Invalid = VendorSignatures.InvalidCode;

    private readonly Dictionary<Guid, (VendorSignature Row, VendorSignatureResult Result)> _checked = [];

    public async Task<IReadOnlyList<GuardFailure>> CheckAsync(App app, AppVersion version, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(version);
        var stored = await db.Set<VendorSignature>().FirstOrDefaultAsync(s => s.VersionId == version.Id, ct);
        if (stored is null)
        {
            var policy = (await listing.CurrentAsync(ct)).Policy;
            return policy.Tiers.TryGetValue(app.Tier, out var tier) && tier.RequireVendorSignature
                ? [new(Required, $"the '{app.Tier}' tier requires the vendor's signature: sign the artifact with a registered key (gatehouse sign) and upload the bundle (PUT …/signature, or gatehouse submit --signature)")]
                : [];
        }
        var keys = await db.Set<VendorKey>().AsNoTracking().Where(k => k.OrganizationId == app.OrganizationId).ToListAsync(ct);
        var result = VendorSignatureVerifier.Verify(stored.Bundle, version.ArtifactDigest, keys);
        _checked[version.Id] = (stored, result);
        return result.Valid ? [] : [new(Invalid, $"the vendor signature no longer verifies ({result.Status}: {result.Message}); sign the current artifact again and upload it")];
    }

    /// <summary>On submit: saves the submission-time check with the move (the guard passed, so it is valid) and audits it.</summary>
    public void BeforeTransition(App app, AppVersion version, string action, string to, string by, string? text)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(version);
        if (action != Lifecycle.Actions.Submit || !_checked.Remove(version.Id, out var check)) return;
        check.Row.Status = check.Result.Status;
        check.Row.KeyId = check.Result.KeyId;
        check.Row.ArtifactDigest = version.ArtifactDigest;
        check.Row.CheckedAt = time.GetUtcNow();
        audit.Record(db, new AuditEvent(SigningAuditActions.VendorSignatureChecked, by, app.OrganizationId.ToString(), version.Id.ToString(), null,
            new { app = app.Slug, version.Version, at = "submission", status = check.Result.Status, keyId = check.Result.KeyId, artifact = version.ArtifactDigest }));
    }

    public Task AfterTransitionAsync(App app, string action, string from, string to, string by, CancellationToken ct) => Task.CompletedTask;
}
