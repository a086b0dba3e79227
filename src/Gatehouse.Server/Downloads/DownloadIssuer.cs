using System.Net;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// Who gets a signed download URL for which version, which apps a tenant installs without OAuth, and the URL signing
/// keys' rotation. The download endpoint itself (<see cref="DownloadsApi.Serve"/>) checks each URL again on every request.
/// The API and the console both call it.
/// </summary>
public sealed class DownloadIssuer(AppAccess access, GatehouseDb db, DownloadKeyRing ring, IBlobStore blobs, IOptions<DownloadOptions> options,
    TimeProvider time, AuditLog audit)
{
    /// <summary>
    /// A signed, time-limited URL for a published version's file: for a tenant the caller administers and that installed the
    /// app, or for the caller (the vendor's members and staff); bound to a client address on request; through Gatehouse or,
    /// when enabled, the blob store's own presigned URL.
    /// </summary>
    public async Task<Outcome<IssuedUrl>> IssueAsync(HttpContext http, string app, string version, IssueUrlRequest? request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        request ??= new IssueUrlRequest(null, null, false, null, null);
        var o = options.Value;
        var userId = http.User.Id();
        var a = await db.Apps.AsNoTracking().FirstOrDefaultAsync(x => x.Slug == app, ct);
        string subject;
        if (request.TenantId is { } tenant)
        {
            // A tenant's URL: the caller administers the tenant, and the tenant has the app (an active installation).
            if (!await TenantAdmin.IsAsync(db, tenant, userId, ct)) return Refusal.NotFound("Tenant");
            if (a is null) return Refusal.NotFound("App");
            if (!await db.Set<Installation>().AnyAsync(i => i.TenantId == tenant && i.AppId == a.Id && i.UninstalledAt == null, ct))
                return Refusal.Forbidden("the tenant is not entitled to this app (install it first)");
            subject = "t:" + tenant.ToString("D");
        }
        else
        {
            // The vendor's members and staff download for themselves.
            a = a is null ? null : await access.FindAsync(http.User, app, ct);
            if (a is null) return Refusal.NotFound("App");
            subject = "u:" + userId;
        }
        var v = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.AppId == a.Id && x.Version == version, ct);
        if (v is null) return Refusal.NotFound("Version");
        if (v.ArtifactDigest is null || !BlobDigest.IsValid(v.ArtifactDigest)) return Refusal.Conflict("the version has no file to download");
        if (v.State != VersionStates.Published) return DownloadsApi.Unavailable(v.State);

        var lifetime = request.LifetimeMinutes is { } m ? TimeSpan.FromMinutes(m) : o.DefaultLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > o.MaxLifetime)
            return Refusal.Invalid($"lifetimeMinutes must be between 1 and {(int)o.MaxLifetime.TotalMinutes}");
        string? ip = null;
        if (request.ClientAddress is { } given)
        {
            if (!IPAddress.TryParse(given, out var parsed)) return Refusal.Invalid("clientAddress must be an IP address");
            ip = DownloadsApi.Normalize(parsed);
        }
        else if (request.BindClientAddress && http.Connection.RemoteIpAddress is { } remote) ip = DownloadsApi.Normalize(remote);

        var fileName = v.ArtifactName ?? $"{a.Slug}-{v.Version}";
        var disposition = DownloadUrls.Attachment(fileName);
        var contentType = await DownloadsApi.ContentTypeAsync(db, v, ct);
        var now = time.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());
        var via = request.Via ?? "gatehouse";
        Uri url;
        string? kid = null;
        if (via == "storage")
        {
            if (!o.AllowStorageUrls || blobs is not IPresigningBlobStore presigning)
                return Refusal.Invalid("storage URLs are not enabled (Downloads:AllowStorageUrls with an S3 blob store)");
            if (lifetime > presigning.MaxPresignLifetime) return Refusal.Invalid($"storage URLs live at most {presigning.MaxPresignLifetime.TotalDays} days");
            if (ip is not null) return Refusal.Invalid("storage URLs cannot be bound to a client address");
            url = await presigning.PresignGetAsync(v.ArtifactDigest, lifetime, contentType, disposition, ct);
        }
        else if (via == "gatehouse")
        {
            var (keyId, secret) = await ring.SigningKeyAsync(ct);
            kid = keyId;
            var grant = new DownloadGrant(HttpMethods.Get, v.Id, v.ArtifactDigest[BlobDigest.Prefix.Length..], expires, keyId, subject, ip, disposition);
            var signature = DownloadUrls.Sign(grant, secret);
            // From configuration, never from the request's Host header (issue 12, item 6).
            var origin = o.BaseUrl?.TrimEnd('/') ?? http.RequestServices.GetRequiredService<PublicUrl>().Prefix;
            url = new Uri(origin + grant.Path + DownloadUrls.Query(grant, signature));
        }
        else return Refusal.Invalid("via must be \"gatehouse\" or \"storage\"");

        // A URL is not a row: nothing but the entry is written, so it is appended on its own, and before the URL is handed
        // out (a failure to audit refuses the URL).
        await audit.AppendAsync(AuditEvent.By(http, DownloadAuditActions.UrlIssued, a.OrganizationId.ToString(), v.Id.ToString(),
            new { app = a.Slug, version = v.Version, subject, expiresAt = expires, keyId = kid, clientAddress = ip, via }), ct);
        return new IssuedUrl(url.AbsoluteUri, expires, v.ArtifactDigest, v.ArtifactSize, fileName, contentType, kid, via);
    }

    /// <summary>A tenant admin installs a published app that is not a web integration (those install through OAuth consent).</summary>
    public async Task<Outcome<InstallationInfo>> InstallAsync(HttpContext http, Guid tenantId, InstallRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var userId = http.User.Id();
        if (!await TenantAdmin.IsAsync(db, tenantId, userId, ct)) return Refusal.NotFound("Tenant");
        var a = await db.Apps.AsNoTracking().FirstOrDefaultAsync(x => x.Slug == request.App, ct);
        if (a is null || !await db.AppVersions.AnyAsync(v => v.AppId == a.Id && v.State == VersionStates.Published, ct)) return Refusal.NotFound("App");
        if (a.Type == AppTypes.WebIntegration) return Refusal.Invalid("web integrations are installed through OAuth consent (/connect/authorize)");
        var existing = await db.Set<Installation>().AsNoTracking()
            .FirstOrDefaultAsync(i => i.TenantId == tenantId && i.AppId == a.Id && i.UninstalledAt == null, ct);
        if (existing is not null) return InstallationInfo.From(existing);
        var row = new Installation
        {
            Id = Guid.NewGuid(), TenantId = tenantId, ClientId = a.Slug, AppId = a.Id, Scopes = "", InstalledBy = userId, InstalledAt = time.GetUtcNow(),
        };
        db.Add(row);
        // The installation and its audit entry commit together (issue 14).
        audit.Record(db, AuditEvent.By(http, OAuthAuditActions.AppInstalled, subject: a.Slug, data: new { tenant = tenantId, installation = row.Id }));
        await db.SaveChangesAsync(ct);
        return InstallationInfo.From(row);
    }

    /// <summary>Every URL signing key: which one signs, and which still verify.</summary>
    public async Task<List<DownloadKeyInfo>> ListKeysAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rows = await ring.ListAsync(ct);
        var signing = rows.Where(k => k.RetiresAt is null).OrderByDescending(k => k.CreatedAt).FirstOrDefault()?.Id;
        return rows.Select(k => new DownloadKeyInfo(k.Id, k.CreatedAt, k.CreatedBy, k.RetiresAt,
            k.Id == signing, k.RetiresAt is null || k.RetiresAt > now)).ToList();
    }

    /// <summary>A new signing key; the others verify until the overlap ends (default: the longest URL lifetime).</summary>
    public async Task<Outcome<DownloadKeyRotated>> RotateKeyAsync(HttpContext http, RotateDownloadKeyRequest? request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        TimeSpan? overlap = request?.OverlapHours is { } h ? TimeSpan.FromHours(h) : null;
        if (overlap is { } w && (w < TimeSpan.Zero || w > options.Value.MaxLifetime))
            return Refusal.Invalid($"overlapHours must be between 0 and {options.Value.MaxLifetime.TotalHours}");
        // The new key, the others' retirement dates and the audit entry commit together (issue 14).
        var id = await ring.AddRotationAsync(db, http.User.Id(), overlap, ct);
        audit.Record(db, AuditEvent.By(http, DownloadAuditActions.KeyRotated, subject: id,
            data: new { overlapHours = (overlap ?? options.Value.MaxLifetime).TotalHours }));
        await db.SaveChangesAsync(ct);
        await ring.RefreshAsync(ct);
        return new DownloadKeyRotated(id);
    }

    /// <summary>Retires a key now: URLs it signed stop working. Never the signing key.</summary>
    public async Task<Outcome<Completed>> RetireKeyAsync(HttpContext http, string keyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var done = await ring.RetireAsync(db, keyId, ct);
        if (done is null) return Refusal.NotFound("Download key");
        if (done == false) return Refusal.Conflict("the signing key cannot be retired; rotate first");
        audit.Record(db, AuditEvent.By(http, DownloadAuditActions.KeyRetired, subject: keyId));
        await db.SaveChangesAsync(ct);
        await ring.RefreshAsync(ct);
        return Completed.Instance;
    }
}
