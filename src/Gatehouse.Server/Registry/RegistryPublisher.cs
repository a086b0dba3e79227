using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Analysis.Images;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Data.Scratch;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Registry;

/// <summary>
/// Puts a published container version into the registry and takes it out again, with Gatehouse's own push token. Both
/// are idempotent and decided by the version's state when they run, not when they were queued: a version that is not
/// published when <see cref="PublishAsync"/> runs is not pushed (and one quarantined while it was pushed is removed
/// again at once), a version published again when <see cref="UnpublishAsync"/> runs is left in place. So the two work
/// items converge whatever order they run in (docs/registry.md).
/// </summary>
internal sealed class RegistryPublisher(
    GatehouseDb db, IBlobStore blobs, ScratchSpace scratch, RegistrySigner signer, RegistryHttp http, IOptions<RegistryOptions> options,
    Scanning.ScanPolicies policies, AuditLog audit, RegistryMetrics metrics, IImageSignatures signing, TimeProvider time, ILogger<RegistryPublisher> logger)
{
    /// <summary>Pushes the version's image (blobs first, then the manifest's exact bytes, tag = version); returns a JSON result.</summary>
    public async Task<string> PublishAsync(Guid versionId, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.Enabled) return Result("skipped", "distribution is off (Registry:Url)");
        var v = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == versionId, ct);
        var app = v is null ? null : await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.Id == v.AppId, ct);
        if (v is null || app is null) return Result("skipped", "no such version");
        if (app.Type != AppTypes.Container) return Result("skipped", "not a container app");
        if (v.State != VersionStates.Published) return Result("skipped", $"the version is {v.State}");
        if (!BlobDigest.IsValid(v.ArtifactDigest)) throw new InvalidOperationException($"version {v.Id} has no image to push");

        var repository = RegistryNames.Repository(o, app.Slug);
        var tag = RegistryNames.Tag(v.Version);
        var token = signer.PushToken(repository);
        using var folder = scratch.CreateFolder($"registry-{v.Id:N}");
        var path = folder.File("image");
        await using (var source = await blobs.OpenReadAsync(v.ArtifactDigest!, ct)
            ?? throw new InvalidOperationException($"blob {v.ArtifactDigest} of version {v.Id} is missing"))
        await using (var target = new FileStream(path, PrivateFolders.CreateNew(FileAccess.Write)))
        {
            await source.CopyToAsync(target, ct);
        }

        string digest;
        string mediaType;
        // The platform the version was scanned for (its policy's images.platforms), so a multi-arch upload publishes the
        // manifest that was reviewed; and never a manifest other than the one pinned on the version at its scan.
        var policy = await policies.ForAsync(v.PolicyVersion, ct);
        using (var image = ImageArchive.Open(path, policy.Images))
        {
            var manifest = image.ManifestBytes.ToArray();
            digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest));
            if (v.ImageManifestDigest is { } reviewed && !string.Equals(reviewed, digest, StringComparison.Ordinal))
                throw new InvalidOperationException($"version {v.Id}: the image's manifest {digest} is not the reviewed {reviewed}; not pushed");
            mediaType = image.Image.ManifestMediaType;
            // The cosign signature exists before the image goes out (made now if the signing item has not run yet), and its
            // .sig is pushed right after the image, so a published image is never served unsigned for longer than one push.
            var signature = await signing.EnsureAsync(v.Id, o.PullHost + "/" + repository, digest, ct);
            await PushBlobAsync(repository, token, image.Image.ConfigDigest, image.ConfigBytes.Length, () => new MemoryStream(image.ConfigBytes.ToArray()), ct);
            foreach (var layer in image.Image.Layers)
                await PushBlobAsync(repository, token, layer.Digest, layer.Size, () => image.OpenBlob(layer.Digest), ct);
            await PushManifestAsync(repository, token, tag, manifest, mediaType, digest, ct);
            await PushSignatureAsync(repository, token, digest, signature, ct);
        }

        // Quarantined (or delisted) while it was being pushed: the unpublish item may have run before the push ended, so
        // the manifest comes out again now rather than waiting for anything.
        var state = await db.AppVersions.AsNoTracking().Where(x => x.Id == versionId).Select(x => x.State).FirstOrDefaultAsync(ct);
        var removedAgain = state != VersionStates.Published;
        if (removedAgain) await DeleteManifestAsync(repository, token, digest, ct);

        var now = time.GetUtcNow();
        var row = await db.Set<RegistryImage>().FirstOrDefaultAsync(r => r.VersionId == versionId, ct);
        if (row is null)
        {
            row = new RegistryImage { VersionId = v.Id, AppId = app.Id, Repository = repository, Tag = tag, ManifestDigest = digest, MediaType = mediaType };
            db.Add(row);
        }
        row.Repository = repository;
        row.Tag = tag;
        row.ManifestDigest = digest;
        row.MediaType = mediaType;
        row.PushedAt = now;
        row.RemovedAt = removedAgain ? now : null;
        // The row and its audit entry commit together (issue 14).
        audit.Record(db, new AuditEvent(RegistryAuditActions.Pushed, "system", app.OrganizationId.ToString(), v.Id.ToString(), null,
            new { app = app.Slug, version = v.Version, repository, tag, digest, mediaType, removedAgain }));
        await db.SaveChangesAsync(ct);
        metrics.Pushed(removedAgain ? "removed-again" : "pushed");
        logger.LogInformation("Pushed {Repository}:{Tag} ({Digest})", repository, tag, digest);
        return JsonSerializer.Serialize(new { pushed = $"{repository}:{tag}", digest, removedAgain });
    }

    /// <summary>Deletes the version's manifest from the registry (its tag goes with it), unless the version is published again.</summary>
    public async Task<string> UnpublishAsync(Guid versionId, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.Enabled) return Result("skipped", "distribution is off (Registry:Url)");
        var row = await db.Set<RegistryImage>().FirstOrDefaultAsync(r => r.VersionId == versionId, ct);
        if (row is null) return Result("skipped", "never pushed");
        var v = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == versionId, ct);
        if (v?.State == VersionStates.Published) return Result("skipped", "the version is published again");
        await DeleteManifestAsync(row.Repository, signer.PushToken(row.Repository), row.ManifestDigest, ct);
        if (row.RemovedAt is null)
        {
            row.RemovedAt = time.GetUtcNow();
            var org = await db.Apps.AsNoTracking().Where(a => a.Id == row.AppId).Select(a => a.OrganizationId).FirstOrDefaultAsync(ct);
            audit.Record(db, new AuditEvent(RegistryAuditActions.Removed, "system", org.ToString(), versionId.ToString(), null,
                new { repository = row.Repository, tag = row.Tag, digest = row.ManifestDigest, state = v?.State }));
            await db.SaveChangesAsync(ct);
        }
        metrics.Pushed("removed");
        return JsonSerializer.Serialize(new { removed = $"{row.Repository}@{row.ManifestDigest}" });
    }

    private async Task PushBlobAsync(string repository, string token, string digest, long size, Func<Stream> open, CancellationToken ct)
    {
        var client = http.Client;
        using (var head = Request(HttpMethod.Head, $"/v2/{repository}/blobs/{digest}", token))
        using (var exists = await client.SendAsync(head, ct))
            if (exists.StatusCode == HttpStatusCode.OK) return;

        Uri upload;
        using (var post = Request(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/", token))
        using (var started = await client.SendAsync(post, ct))
        {
            await EnsureAsync(started, HttpStatusCode.Accepted, "start an upload", ct);
            upload = new Uri(BaseUri, started.Headers.Location ?? throw new InvalidOperationException("the registry sent no upload location"));
        }
        // Monolithic upload: PUT <location>&digest=<digest> with the whole blob (distribution spec, "pushing a blob monolithically").
        var target = new UriBuilder(upload);
        target.Query = (string.IsNullOrEmpty(target.Query) ? "" : target.Query.TrimStart('?') + "&") + "digest=" + Uri.EscapeDataString(digest);
        await using var content = open();
        using var put = new HttpRequestMessage(HttpMethod.Put, target.Uri) { Content = new StreamContent(content) };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        put.Content.Headers.ContentLength = size;
        using var done = await client.SendAsync(put, ct);
        await EnsureAsync(done, HttpStatusCode.Created, $"upload {digest}", ct);
    }

    private async Task PushManifestAsync(string repository, string token, string tag, byte[] manifest, string mediaType, string digest, CancellationToken ct)
    {
        using var put = Request(HttpMethod.Put, $"/v2/{repository}/manifests/{tag}", token);
        put.Content = new ByteArrayContent(manifest);
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var done = await http.Client.SendAsync(put, ct);
        await EnsureAsync(done, HttpStatusCode.Created, $"push the manifest of {repository}:{tag}", ct);
        // The registry hashes the bytes it stored: the same digest as the reviewed manifest, or the push is wrong.
        if (done.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { } answered && answered != digest)
            throw new InvalidOperationException($"the registry stored manifest {answered}, not the reviewed {digest}");
    }

    /// <summary>
    /// Pushes the cosign signature of <paramref name="digest"/> in cosign's tag layout (docs/registry.md): tag
    /// <c>sha256-&lt;hex&gt;.sig</c>, an OCI manifest with an OCI config and one simple-signing layer (the payload) carrying the
    /// signature annotation. Gatehouse is the only signer in its repositories, so the manifest is written whole (the same
    /// bytes every time), not appended to. That holds when a key is retired too: the re-signed cosign signature REPLACES the
    /// manifest (only the new layer), rather than being appended as cosign would, because the old layer is by a key every
    /// verifier now refuses; keeping it would only make verifiers try a signature that must fail, and the layout stays
    /// the one a fresh publication has (docs/signing.md, "Rotation and retirement").
    /// </summary>
    private async Task PushSignatureAsync(string repository, string token, string digest, ImageSignature signature, CancellationToken ct)
    {
        var payload = signature.Payload;
        var payloadDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(payload));
        var config = System.Text.Encoding.UTF8.GetBytes(
            "{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\","
            + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + payloadDigest + "\"]},\"config\":{}}");
        var configDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(config));
        await PushBlobAsync(repository, token, configDigest, config.Length, () => new MemoryStream(config), ct);
        await PushBlobAsync(repository, token, payloadDigest, payload.Length, () => new MemoryStream(payload), ct);
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifestMediaType,
            ["config"] = new { mediaType = "application/vnd.oci.image.config.v1+json", size = config.Length, digest = configDigest },
            ["layers"] = new[]
            {
                new
                {
                    mediaType = Gatehouse.Analysis.Signing.CosignSignature.LayerMediaType, size = payload.Length, digest = payloadDigest,
                    annotations = new Dictionary<string, string> { [Gatehouse.Analysis.Signing.CosignSignature.SignatureAnnotation] = signature.Signature },
                },
            },
        });
        var signatureDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest));
        await PushManifestAsync(repository, token, Gatehouse.Analysis.Signing.CosignSignature.SignatureTag(digest), manifest, OciManifestMediaType, signatureDigest, ct);
    }

    private const string OciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";

    private async Task DeleteManifestAsync(string repository, string token, string digest, CancellationToken ct)
    {
        using var delete = Request(HttpMethod.Delete, $"/v2/{repository}/manifests/{digest}", token);
        using var done = await http.Client.SendAsync(delete, ct);
        if (done.StatusCode == HttpStatusCode.NotFound) return; // gone already
        await EnsureAsync(done, HttpStatusCode.Accepted, $"delete {repository}@{digest}", ct);
    }

    private Uri BaseUri => new(options.Value.Url!.TrimEnd('/') + "/");

    private HttpRequestMessage Request(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUri, path.TrimStart('/')));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken ct)
    {
        if (response.StatusCode == expected) return;
        var body = await response.Content.ReadAsStringAsync(ct);
        throw new InvalidOperationException($"the registry refused to {what}: {(int)response.StatusCode} {(body.Length > 500 ? body[..500] : body)}");
    }

    private static string Result(string outcome, string why) => JsonSerializer.Serialize(new { outcome, why });
}
