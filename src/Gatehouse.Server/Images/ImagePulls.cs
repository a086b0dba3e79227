using Gatehouse.Analysis.Images;
using Gatehouse.Analysis.Images.Registry;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Data.Scratch;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Images;

/// <summary>
/// Pulls the image a container version names by reference, once, at its submission's scan (issue 17): into a private
/// scratch file, then into the blob store, recorded as the scan's blob and the version's artifact (digest, name, size)
/// with its manifest digest, so rescans and distribution use the exact bytes reviewed, whatever the tag points at later.
/// A failure that is the vendor's (no such image, refused credentials, an address not allowed, an image over a limit)
/// is returned; one that is ours (registry unreachable, timed out) throws, so the scan is retried as scans are and ends
/// incomplete after the last attempt.
/// </summary>
internal sealed class ImagePulls(
    GatehouseDb db, IBlobStore blobs, ScratchSpace scratch, VendorRegistryCredentials credentials, RegistryHttp http,
    IOptions<ImagesOptions> options, ScanPolicies policies, AuditLog audit, ILogger<ImagePulls> logger)
{
    /// <summary>A pull the vendor must fix: <see cref="Code"/> is stable (<c>registry.unauthorized</c>, <c>registry.not-found</c>, …).</summary>
    internal sealed record Refused(string Code, string Message);

    /// <summary>Pulls <paramref name="scan"/>'s <see cref="Scan.Target"/> and records it; null when pulled, else why the vendor's image cannot be pulled.</summary>
    public async Task<Refused?> PullAsync(Scan scan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var text = scan.Target ?? "";
        if (!ImageReference.TryParse(text, out var reference, out var error) || reference is null)
            return new("image.reference-invalid", $"the reference {text} cannot be read: {error}");
        if (reference.Registry is null) return new("image.reference-invalid", $"the reference {text} names no registry");
        var version = scan.SubjectId is { } id ? await db.AppVersions.FirstOrDefaultAsync(v => v.Id == id, ct) : null;
        var login = version?.RegistryCredentialId is { } credentialId
            ? await credentials.ForPullAsync(scan.OrganizationId, credentialId, reference.Registry, ct)
            : null;
        var policy = await policies.ForAsync(scan, ct);

        using var folder = scratch.CreateFolder($"pull-{scan.Id:N}");
        var destination = folder.File("image.tar");
        var client = new RegistryClient(http.Client) { InsecureRegistries = http.InsecureRegistries };
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(TimeSpan.FromSeconds(options.Value.PullTimeoutSeconds));
        ContainerImage image;
        try
        {
            image = await client.PullAsync(reference, login, destination, policy.Images, budget.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the pull of {reference} did not finish within {options.Value.PullTimeoutSeconds} s (Images:PullTimeoutSeconds)");
        }
        catch (Exception ex) when (VendorFault(ex) is { } refused)
        {
            logger.LogInformation("Pull of {Reference} for scan {Scan} refused: {Code}", reference, scan.Id, refused.Code);
            return refused;
        }

        BlobRef blob;
        await using (var stream = new FileStream(destination, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous))
            blob = await blobs.PutAsync(stream, ct);
        var name = FileName(reference);
        scan.BlobDigest = blob.Digest;
        scan.Size = blob.Length;
        scan.FileName = name;
        // Recorded on the version only while it still names this reference (a re-delivered scan after a change does not).
        if (version is not null && version.ArtifactDigest is null && version.Reference == text)
        {
            version.ArtifactDigest = blob.Digest;
            version.ArtifactSize = blob.Length;
            version.ArtifactName = name;
            version.ImageManifestDigest = image.ManifestDigest;
            audit.Record(db, new AuditEvent(AuditActions.VersionImagePulled, "system", scan.OrganizationId.ToString(), version.Id.ToString(),
                Data: new { reference = text, manifestDigest = image.ManifestDigest, digest = blob.Digest, size = blob.Length, scanId = scan.Id }));
        }
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>The failure as the vendor's to fix, or null when it is ours (the pull is retried).</summary>
    internal static Refused? VendorFault(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is not ImageException image) continue;
            if (image.Code is "registry.unauthorized" or "registry.not-found" or RegistryClient.AddressRefusedCode
                || image.Code.StartsWith("image.", StringComparison.Ordinal))
                return new(image.Code, image.Message);
        }
        return null;
    }

    /// <summary>A display name for the pulled image, e.g. <c>team-app-1.0.tar</c> (never used as a path).</summary>
    internal static string FileName(ImageReference reference)
    {
        var last = reference.Repository.Split('/')[^1];
        var tag = reference.Tag ?? reference.Digest?.Split(':')[^1][..12] ?? "latest";
        var name = $"{last}-{tag}.tar";
        return name.Length <= 255 ? name : name[^255..];
    }
}
