using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Analysis.Charts;
using Gatehouse.Analysis.Signing;
using Gatehouse.Analysis.Signing.Provenance;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Charts;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Registry;
using Gatehouse.Server.Scanning;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Signing;

/// <summary>
/// Signs what Gatehouse approved (docs/signing.md, "What Gatehouse signs"), with the platform key that signs now: every
/// artifact gets an approval ticket; downloadable files and charts a Sigstore bundle over the file's SHA-256; charts a Helm
/// <c>.prov</c>; container images a cosign signature over the manifest digest. Idempotent: one <see cref="ArtifactSignature"/>
/// row per version and kind, so a re-driven item (a crash after the commit, a reinstatement) finds the rows and signs
/// nothing again. The rows of one run and one audit entry per signature commit in one transaction.
/// A signature by a key retired since is replaced in its row by one from the active key (the retirement queues the item).
/// </summary>
internal sealed class ArtifactSigner(
    GatehouseDb db, PlatformKeyRing keys, IBlobStore blobs, AuditLog audit, ScanPolicies policies, IOptions<RegistryOptions> registry,
    Jobs.WorkQueue queue, TimeProvider time, ILogger<ArtifactSigner> logger)
{
    /// <summary>Chart archives larger than this are not read into memory for the .prov (the upload limit is far below).</summary>
    public const long MaxChartBytes = 64L << 20;

    /// <summary>The media type stored and served for a Helm provenance file (Helm's own OCI layer type for it).</summary>
    public const string ProvenanceMediaType = "application/vnd.cncf.helm.chart.provenance.v1.prov";

    /// <summary>
    /// Makes every signature the version should have and does not have yet, and (for a version published now) replaces
    /// every signature by a retired key with one by the active key; returns the JSON result of the work item. Signatures by
    /// an active or superseded key are left alone, so a re-driven item signs nothing twice.
    /// </summary>
    public async Task<string> SignVersionAsync(Guid versionId, CancellationToken ct)
    {
        var v = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == versionId, ct);
        var app = v is null ? null : await db.Apps.AsNoTracking().FirstOrDefaultAsync(a => a.Id == v.AppId, ct);
        if (v is null || app is null) return Result("skipped", "no such version");
        // Only what passed review is signed: a version that was never published (an item queued by a move that lost a race).
        if (v.State != VersionStates.Published && v.PublishedAt is null) return Result("skipped", $"the version is {v.State} and was never published");

        var existing = await db.Set<ArtifactSignature>().AsNoTracking().Where(s => s.VersionId == v.Id).ToListAsync(ct);
        var have = existing.Select(s => s.Kind).ToList();
        var missing = Wanted(app, v).Except(have, StringComparer.Ordinal).ToList();
        // A retired key's signatures are refused by every verifier: a version customers can get now is re-signed. One that is
        // not published now keeps them until it is published again (that move queues this item once more).
        var retired = await db.Set<SigningKey>().AsNoTracking().Where(k => k.RetiredAt != null).Select(k => k.Id).ToListAsync(ct);
        var stale = v.State != VersionStates.Published ? [] : existing.Where(s => retired.Contains(s.KeyId, StringComparer.Ordinal)).ToList();
        if (missing.Count == 0 && stale.Count == 0) return JsonSerializer.Serialize(new { outcome = "signed-already", kinds = have });

        var key = await keys.CurrentAsync(ct);
        if (retired.Contains(key.KeyId, StringComparer.Ordinal))
        {
            // This process's ring is older than a rotation and retirement made by another instance (it reloads every 30
            // seconds): never sign with a retired key; reload, and fail the attempt (retried) if it is still the one.
            await keys.RefreshAsync(ct);
            key = await keys.CurrentAsync(ct);
            if (retired.Contains(key.KeyId, StringComparer.Ordinal)) throw new InvalidOperationException($"the signing key {key.KeyId} is retired");
        }
        var outcome = "signed";
        if (missing.Count > 0)
        {
            var rows = new List<ArtifactSignature>(missing.Count);
            foreach (var kind in missing) rows.Add(await MakeAsync(key, app, v, kind, null, ct));
            if (!await SaveAsync(app, v, rows, ct)) outcome = "signed-concurrently";
            else logger.LogInformation("Signed {App} {Version}: {Kinds} with key {KeyId}", app.Slug, v.Version, string.Join(", ", missing), key.KeyId);
        }
        var replaced = stale.Count == 0 ? [] : await ReplaceAsync(key, app, v, stale, ct);
        if (missing.Count == 0 && replaced.Count == 0) outcome = "signed-concurrently";
        return JsonSerializer.Serialize(new { outcome, kinds = missing, replaced, keyId = key.KeyId });
    }

    private async Task<ArtifactSignature> MakeAsync(PlatformSigner key, App app, AppVersion v, string kind, string? subject, CancellationToken ct) => kind switch
    {
        ArtifactSignatureKinds.Bundle => Bundle(key, v),
        ArtifactSignatureKinds.Ticket => await TicketAsync(key, app, v, ct),
        ArtifactSignatureKinds.Provenance => await ProvenanceAsync(key, app, v, ct),
        // A re-signed image keeps the digest it was signed for (the pinned, pushed manifest).
        ArtifactSignatureKinds.Cosign => Cosign(key, v, DockerReference(app), subject ?? v.ImageManifestDigest!),
        _ => throw new InvalidOperationException($"unknown signature kind {kind}"),
    };

    /// <summary>
    /// Replaces the <paramref name="stale"/> rows (signatures by a retired key) with signatures by <paramref name="key"/>: each
    /// row is updated only if it still holds the retired key's signature (a racing run replaced it already: no second audit
    /// entry), with one <c>signing.artifact-signed</c> entry naming the replaced key, all in one transaction. A replaced cosign
    /// signature of a distributed image queues <c>registry.publish</c> in the same transaction: the publisher's push path
    /// writes the new <c>.sig</c> (docs/signing.md, "Rotation and retirement").
    /// </summary>
    private async Task<List<string>> ReplaceAsync(PlatformSigner key, App app, AppVersion v, List<ArtifactSignature> stale, CancellationToken ct)
    {
        var fresh = new List<(ArtifactSignature Old, ArtifactSignature New)>(stale.Count);
        foreach (var old in stale) fresh.Add((old, await MakeAsync(key, app, v, old.Kind, old.SubjectDigest, ct)));
        var replaced = await db.InTransactionAsync(async () =>
        {
            var done = new List<string>();
            foreach (var (old, row) in fresh)
            {
                var n = await db.Set<ArtifactSignature>().Where(s => s.Id == old.Id && s.KeyId == old.KeyId).ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.KeyId, row.KeyId).SetProperty(s => s.Content, row.Content).SetProperty(s => s.Signature, row.Signature)
                    .SetProperty(s => s.MediaType, row.MediaType).SetProperty(s => s.SubjectDigest, row.SubjectDigest).SetProperty(s => s.CreatedAt, row.CreatedAt), ct);
                if (n != 1) continue;
                done.Add(old.Kind);
                audit.Record(db, new AuditEvent(SigningAuditActions.ArtifactSigned, "system", app.OrganizationId.ToString(), v.Id.ToString(), null,
                    new { app = app.Slug, version = v.Version, kind = row.Kind, keyId = row.KeyId, subjectDigest = row.SubjectDigest, replacedKeyId = old.KeyId }));
            }
            if (done.Contains(ArtifactSignatureKinds.Cosign) && registry.Value.Enabled)
                queue.Add(RegistryWork.Publish, RegistryWork.Payload(v.Id), RegistryWork.MaxAttempts);
            await db.SaveChangesAsync(ct);
            return done;
        }, ct);
        if (replaced.Count > 0)
            logger.LogInformation("Re-signed {App} {Version}: {Kinds} with key {KeyId} (the previous key is retired)", app.Slug, v.Version, string.Join(", ", replaced), key.KeyId);
        return replaced;
    }

    /// <summary>
    /// The cosign signature of a container version's manifest <paramref name="manifestDigest"/>, made now when the signing
    /// item has not made it yet (the registry publisher asks before it pushes the <c>.sig</c>, so the signature never lags
    /// the image). Refuses a digest other than the one already signed.
    /// </summary>
    public async Task<ArtifactSignature> EnsureCosignAsync(Guid versionId, string dockerReference, string manifestDigest, CancellationToken ct)
    {
        var existing = await FindAsync(versionId, ArtifactSignatureKinds.Cosign, ct);
        if (existing is null)
        {
            var v = await db.AppVersions.AsNoTracking().FirstAsync(x => x.Id == versionId, ct);
            var app = await db.Apps.AsNoTracking().FirstAsync(a => a.Id == v.AppId, ct);
            var key = await keys.CurrentAsync(ct);
            await SaveAsync(app, v, [Cosign(key, v, dockerReference, manifestDigest)], ct);
            existing = await FindAsync(versionId, ArtifactSignatureKinds.Cosign, ct)
                ?? throw new InvalidOperationException($"version {versionId}: no cosign signature after signing");
        }
        if (!string.Equals(existing.SubjectDigest, manifestDigest, StringComparison.Ordinal))
            throw new InvalidOperationException($"version {versionId}: the cosign signature is for {existing.SubjectDigest}, not {manifestDigest}");
        return existing;
    }

    private Task<ArtifactSignature?> FindAsync(Guid versionId, string kind, CancellationToken ct) =>
        db.Set<ArtifactSignature>().AsNoTracking().FirstOrDefaultAsync(s => s.VersionId == versionId && s.Kind == kind, ct);

    /// <summary>The kinds a version gets, by app type and what is known about its artifact.</summary>
    internal IEnumerable<string> Wanted(App app, AppVersion v)
    {
        switch (app.Type)
        {
            case AppTypes.Downloadable when BlobDigest.IsValid(v.ArtifactDigest):
                yield return ArtifactSignatureKinds.Bundle;
                yield return ArtifactSignatureKinds.Ticket;
                break;
            case AppTypes.HelmChart when BlobDigest.IsValid(v.ArtifactDigest):
                yield return ArtifactSignatureKinds.Bundle;
                yield return ArtifactSignatureKinds.Ticket;
                yield return ArtifactSignatureKinds.Provenance;
                break;
            case AppTypes.Container when BlobDigest.IsValid(v.ImageManifestDigest):
                yield return ArtifactSignatureKinds.Ticket;
                if (registry.Value.Enabled) yield return ArtifactSignatureKinds.Cosign;
                break;
        }
    }

    /// <summary>Adds the rows and one audit entry each, and commits them together; false when another run inserted them first.</summary>
    private async Task<bool> SaveAsync(App app, AppVersion v, List<ArtifactSignature> rows, CancellationToken ct)
    {
        foreach (var row in rows)
        {
            db.Add(row);
            audit.Record(db, new AuditEvent(SigningAuditActions.ArtifactSigned, "system", app.OrganizationId.ToString(), v.Id.ToString(), null,
                new { app = app.Slug, version = v.Version, kind = row.Kind, keyId = row.KeyId, subjectDigest = row.SubjectDigest }));
        }
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Two runs raced (the item and the registry publisher): the unique (version, kind) index kept one; nothing of this
            // run committed. Anything else is a real failure.
            db.ChangeTracker.Clear();
            if (!await AnyExistsAsync(v.Id, rows, ct)) throw;
            return false;
        }
    }

    private async Task<bool> AnyExistsAsync(Guid versionId, List<ArtifactSignature> rows, CancellationToken ct)
    {
        var kinds = rows.Select(r => r.Kind).ToList();
        return await db.Set<ArtifactSignature>().AsNoTracking().AnyAsync(s => s.VersionId == versionId && kinds.Contains(s.Kind), ct);
    }

    private ArtifactSignature Row(PlatformSigner key, AppVersion v, string kind, string subject, byte[] content, string mediaType, string? signature = null) => new()
    {
        Id = Guid.CreateVersion7(time.GetUtcNow()), VersionId = v.Id, AppId = v.AppId, Kind = kind, KeyId = key.KeyId, SubjectDigest = subject,
        Content = content, Signature = signature, MediaType = mediaType, CreatedAt = time.GetUtcNow(),
    };

    private ArtifactSignature Bundle(PlatformSigner key, AppVersion v) =>
        Row(key, v, ArtifactSignatureKinds.Bundle, v.ArtifactDigest!,
            SigstoreBundle.CreateForDigest(key.Signer, Convert.FromHexString(v.ArtifactDigest![BlobDigest.Prefix.Length..])), SigstoreBundle.MediaType);

    private ArtifactSignature Cosign(PlatformSigner key, AppVersion v, string dockerReference, string manifestDigest)
    {
        var signed = CosignSignature.Sign(key.Signer, dockerReference, manifestDigest);
        return Row(key, v, ArtifactSignatureKinds.Cosign, manifestDigest, signed.Payload, CosignSignature.LayerMediaType, signed.SignatureBase64);
    }

    /// <summary>
    /// The approval ticket: the artifact (a container's manifest digest), the app and version, when it was approved, the
    /// digest of the listing policy version that judged it and of its current scan's report, in a DSSE envelope wrapped in a
    /// Sigstore bundle.
    /// </summary>
    private async Task<ArtifactSignature> TicketAsync(PlatformSigner key, App app, AppVersion v, CancellationToken ct)
    {
        var (name, digest) = app.Type == AppTypes.Container
            ? (DockerReference(app), v.ImageManifestDigest!)
            : (await SignedFileNameAsync(app, v, ct), v.ArtifactDigest!);
        var policySha = v.PolicyVersion is { } pv
            ? await db.ListingPolicies.AsNoTracking().Where(p => p.Version == pv).Select(p => p.Sha256).FirstOrDefaultAsync(ct)
            : null;
        var report = v.CurrentScanId is { } scan
            ? await db.Scans.AsNoTracking().Where(s => s.Id == scan).Select(s => s.ReportJson).FirstOrDefaultAsync(ct)
            : null;
        var at = v.DecidedAt ?? v.PublishedAt ?? time.GetUtcNow();
        var ticket = new ApprovalTicket(name, digest[BlobDigest.Prefix.Length..], app.Slug, v.Version, DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds()),
            policySha is null ? "none" : "sha256:" + policySha,
            report is null ? "none" : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(report))));
        var envelope = ticket.Sign(key.Signer);
        return Row(key, v, ArtifactSignatureKinds.Ticket, digest, SigstoreBundle.WrapEnvelope(key.KeyId, envelope), SigstoreBundle.MediaType);
    }

    /// <summary>The Helm provenance: the chart's own Chart.yaml and its archive's SHA-256, clear-signed with the key's OpenPGP face.</summary>
    private async Task<ArtifactSignature> ProvenanceAsync(PlatformSigner key, App app, AppVersion v, CancellationToken ct)
    {
        var bytes = await ReadBlobAsync(v.ArtifactDigest!, ct);
        var policy = await policies.ForAsync(v.PolicyVersion, ct);
        var chart = ChartArchive.Read(new MemoryStream(bytes, writable: false), policy.Charts);
        var yaml = chart.File("Chart.yaml") ?? throw new InvalidOperationException($"version {v.Id}: the chart has no Chart.yaml");
        var prov = OpenPgpKey.SignProvenance(key.Signer, key.CreatedAt, time.GetUtcNow(), bytes, await SignedFileNameAsync(app, v, ct), Encoding.UTF8.GetString(yaml));
        return Row(key, v, ArtifactSignatureKinds.Provenance, v.ArtifactDigest!, Encoding.UTF8.GetBytes(prov), ProvenanceMediaType);
    }

    /// <summary>
    /// The name the artifact is signed and served under: a chart's <c>NAME-VERSION.tgz</c> as the Helm repository names it
    /// (from its scan's Chart.yaml), else the uploaded file name.
    /// </summary>
    private async Task<string> SignedFileNameAsync(App app, AppVersion v, CancellationToken ct)
    {
        if (app.Type == AppTypes.HelmChart)
        {
            var report = v.CurrentScanId is { } scan
                ? await db.Scans.AsNoTracking().Where(s => s.Id == scan).Select(s => s.ReportJson).FirstOrDefaultAsync(ct)
                : null;
            var chart = (report is null ? null : ChartIdentities.Read(report)) ?? new ChartIdentity(app.Slug, v.Version, null);
            return $"{chart.Name}-{chart.Version}.tgz";
        }
        return SignatureLinks.ArtifactName(app, v);
    }

    private async Task<byte[]> ReadBlobAsync(string digest, CancellationToken ct)
    {
        var length = await blobs.GetLengthAsync(digest, ct) ?? throw new InvalidOperationException($"blob {digest} is missing");
        if (length > MaxChartBytes) throw new InvalidOperationException($"blob {digest} is larger than {MaxChartBytes} bytes");
        await using var source = await blobs.OpenReadAsync(digest, ct) ?? throw new InvalidOperationException($"blob {digest} is missing");
        using var buffer = new MemoryStream((int)length);
        await source.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    /// <summary>cosign's docker-reference: the repository customers pull from, without tag or digest.</summary>
    private string DockerReference(App app)
    {
        var o = registry.Value;
        return o.Enabled ? o.PullHost + "/" + RegistryNames.Repository(o, app.Slug) : app.Slug;
    }

    private static string Result(string outcome, string why) => JsonSerializer.Serialize(new { outcome, why });
}
