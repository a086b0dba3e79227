using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gatehouse.Server.Downloads;

/// <summary>
/// Distribution of approved files: signed, time-limited URLs for entitled tenants (and the vendor and staff),
/// the download endpoint that checks them and the version's state on every request, per-tenant counts and the
/// URL keys. Docs: docs/downloads.md.
/// </summary>
public static class DownloadsApi
{
    public static IEndpointRouteBuilder MapDownloadsApi(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<DownloadOptions>>().Value;
        // GET and HEAD are two endpoints of one handler, so each has its own OpenAPI operation id.
        var dl = app.MapGet(DownloadUrls.PathPrefix + "/{versionId:guid}/{digest}", Serve)
            .AllowAnonymous().WithTags("Downloads").RequireRateLimiting(DownloadRateLimitPolicy.Name).WithName("ServeDownload").WithSummary("Download an approved file through a signed, time-limited URL.");
        var head = app.MapMethods(DownloadUrls.PathPrefix + "/{versionId:guid}/{digest}", [HttpMethods.Head], Serve)
            .AllowAnonymous().WithTags("Downloads").RequireRateLimiting(DownloadRateLimitPolicy.Name).WithName("ServeDownloadHead").WithSummary("Get a download's headers (size, type, validators) without its content.");
        // Every other method: 405 with Allow (RFC 9110 §15.5.6), not the sign-in redirect of an unmatched route.
        var other = app.Map(DownloadUrls.PathPrefix + "/{versionId:guid}/{digest}", MethodNotAllowed)
            .AllowAnonymous().WithOrder(1).ExcludeFromDescription().WithName("DownloadMethodNotAllowed").WithSummary("Refuse any method but GET and HEAD on a download URL.");
        if (options.Host is { } host)
        {
            dl.RequireHost(host);
            head.RequireHost(host);
            other.RequireHost(host);
        }

        app.MapPost("/api/apps/{app}/versions/{version}/download-url", Issue).WithTags("Downloads").RequireAuthorization(Policies.Write).WithName("IssueDownloadUrl").WithSummary("Issue a signed download URL for a version's file.");
        app.MapGet("/api/apps/{app}/downloads", Counts).WithTags("Downloads").RequireAuthorization(Policies.Read).WithName("GetDownloadCounts").WithSummary("Get an app's download counts.");
        app.MapPost("/api/tenants/{tenantId:guid}/installations", Install).WithTags("Downloads").RequireAuthorization(Policies.Write).WithName("InstallApp").WithSummary("Install a published app for a tenant.");
        var keys = app.MapGroup("/api/admin/download-keys").WithTags("Downloads");
        keys.MapGet("/", ListKeys).RequireAuthorization(Policies.Admin).WithName("ListDownloadKeys").WithSummary("List the download signing keys.");
        keys.MapPost("/rotate", RotateKey).RequireAuthorization(Policies.Admin).WithName("RotateDownloadKey").WithSummary("Start signing download URLs with a new key.");
        keys.MapPost("/{keyId}/retire", RetireKey).RequireAuthorization(Policies.Admin).WithName("RetireDownloadKey").WithSummary("Retire a download signing key.");
        return app;
    }

    /// <summary>When a download host is set, it answers only <c>/dl/</c> (and health), never the console or the API.</summary>
    public static IApplicationBuilder UseDownloadHost(this IApplicationBuilder app)
    {
        var host = app.ApplicationServices.GetRequiredService<IOptions<DownloadOptions>>().Value.Host;
        if (host is null) return app;
        return app.Use(async (ctx, next) =>
        {
            var onDownloadHost = string.Equals(ctx.Request.Host.Value, host, StringComparison.OrdinalIgnoreCase);
            var isDownload = ctx.Request.Path.StartsWithSegments(DownloadUrls.PathPrefix);
            if ((onDownloadHost && !isDownload && !ctx.Request.Path.StartsWithSegments("/healthz") && !ctx.Request.Path.StartsWithSegments("/readyz"))
                || (!onDownloadHost && isDownload))
            {
                ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next(ctx);
        });
    }

    // ------------------------------------------------------------------ issuing

    public static async Task<Results<Created<IssuedUrl>, ProblemHttpResult>> Issue(
        string app, string version, IssueUrlRequest? request, HttpContext http, AppAccess access, GatehouseDb db, DownloadKeyRing ring,
        IBlobStore blobs, IOptions<DownloadOptions> options, TimeProvider time, AuditLog audit, CancellationToken ct)
    {
        request ??= new IssueUrlRequest(null, null, false, null, null);
        var o = options.Value;
        var userId = http.User.Id();
        var a = await db.Apps.AsNoTracking().FirstOrDefaultAsync(x => x.Slug == app, ct);
        string subject;
        if (request.TenantId is { } tenant)
        {
            // A tenant's URL: the caller administers the tenant, and the tenant has the app (an active installation).
            if (!await TenantAdmin.IsAsync(db, tenant, userId, ct)) return Problems.NotFound("Tenant");
            if (a is null) return Problems.NotFound("App");
            if (!await db.Set<Installation>().AnyAsync(i => i.TenantId == tenant && i.AppId == a.Id && i.UninstalledAt == null, ct))
                return Problems.Forbidden("the tenant is not entitled to this app (install it first)");
            subject = "t:" + tenant.ToString("D");
        }
        else
        {
            // The vendor's members and staff download for themselves.
            a = a is null ? null : await access.FindAsync(http.User, app, ct);
            if (a is null) return Problems.NotFound("App");
            subject = "u:" + userId;
        }
        var v = await db.AppVersions.AsNoTracking().FirstOrDefaultAsync(x => x.AppId == a.Id && x.Version == version, ct);
        if (v is null) return Problems.NotFound("Version");
        if (v.ArtifactDigest is null || !BlobDigest.IsValid(v.ArtifactDigest)) return Problems.Conflict("the version has no file to download");
        if (v.State != VersionStates.Published) return Unavailable(v.State);

        var lifetime = request.LifetimeMinutes is { } m ? TimeSpan.FromMinutes(m) : o.DefaultLifetime;
        if (lifetime <= TimeSpan.Zero || lifetime > o.MaxLifetime)
            return Problems.Invalid($"lifetimeMinutes must be between 1 and {(int)o.MaxLifetime.TotalMinutes}");
        string? ip = null;
        if (request.ClientAddress is { } given)
        {
            if (!IPAddress.TryParse(given, out var parsed)) return Problems.Invalid("clientAddress must be an IP address");
            ip = Normalize(parsed);
        }
        else if (request.BindClientAddress && http.Connection.RemoteIpAddress is { } remote) ip = Normalize(remote);

        var fileName = v.ArtifactName ?? $"{a.Slug}-{v.Version}";
        var disposition = DownloadUrls.Attachment(fileName);
        var contentType = await ContentTypeAsync(db, v, ct);
        var now = time.GetUtcNow();
        var expires = DateTimeOffset.FromUnixTimeSeconds((now + lifetime).ToUnixTimeSeconds());
        var via = request.Via ?? "gatehouse";
        Uri url;
        string? kid = null;
        if (via == "storage")
        {
            if (!o.AllowStorageUrls || blobs is not IPresigningBlobStore presigning)
                return Problems.Invalid("storage URLs are not enabled (Downloads:AllowStorageUrls with an S3 blob store)");
            if (lifetime > presigning.MaxPresignLifetime) return Problems.Invalid($"storage URLs live at most {presigning.MaxPresignLifetime.TotalDays} days");
            if (ip is not null) return Problems.Invalid("storage URLs cannot be bound to a client address");
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
        else return Problems.Invalid("via must be \"gatehouse\" or \"storage\"");

        await audit.AppendAsync(AuditEvent.By(http, DownloadAuditActions.UrlIssued, a.OrganizationId.ToString(), v.Id.ToString(),
            new { app = a.Slug, version = v.Version, subject, expiresAt = expires, keyId = kid, clientAddress = ip, via }), ct);
        return TypedResults.Created((string?)null, new IssuedUrl(url.AbsoluteUri, expires, v.ArtifactDigest, v.ArtifactSize, fileName, contentType, kid, via));
    }

    // ------------------------------------------------------------------ serving

    public static async Task<IResult> Serve(Guid versionId, string digest, HttpContext http, DownloadKeyRing ring, GatehouseDb db,
        IBlobStore blobs, IOptions<DownloadOptions> options, TimeProvider time, AuditLog audit, DownloadMetrics metrics,
        DownloadCountWindow countWindow, ILoggerFactory loggers, CancellationToken ct)
    {
        var o = options.Value;
        var (grant, signature) = DownloadUrls.Parse(http.Request.Method, versionId, digest, http.Request.Query);
        var refusal = grant is null ? UrlRefusal.Malformed : await CheckAsync(grant, signature!, http, ring, o, time.GetUtcNow(), ct);
        if (refusal != UrlRefusal.None)
        {
            // One answer for every failure: a caller cannot learn which part was wrong.
            metrics.Refused(refusal);
            SecurityRefusals.RecordDownload(http, refusal, versionId);
            loggers.CreateLogger("Gatehouse.Downloads").LogInformation("Download URL refused ({Reason}) for {Path} from {Address}",
                refusal, http.Request.Path.Value, http.Connection.RemoteIpAddress);
            return Problems.Of(StatusCodes.Status403Forbidden, ProblemCodes.DownloadUrlInvalid, "This download link is not valid",
                "The link is expired, altered or not meant for you. Ask for a new one.");
        }
        var g = grant!;
        var v = await db.AppVersions.FirstOrDefaultAsync(x => x.Id == versionId, ct);
        if (v is null || v.ArtifactDigest != BlobDigest.Prefix + g.DigestHex) return Unavailable("removed");
        // Checked on every request, so quarantine, suspension or delisting stops URLs handed out before.
        if (v.State != VersionStates.Published) return Unavailable(v.State);
        if (g.TenantId is { } tenant
            && !await db.Set<Installation>().AnyAsync(i => i.TenantId == tenant && i.AppId == v.AppId && i.UninstalledAt == null, ct))
            return Unavailable("not-entitled");
        if (g.UserId is { } user && !await StillAllowedAsync(db, user, v.OrganizationId, ct)) return Unavailable("not-entitled");

        var length = await blobs.GetLengthAsync(v.ArtifactDigest, ct);
        if (length is null) return Unavailable("removed");
        var contentType = await ContentTypeAsync(db, v, ct);
        // The file store's streams seek (Range is answered from the open file); others read ranges on demand.
        var stream = blobs is FileSystemBlobStore
            ? await blobs.OpenReadAsync(v.ArtifactDigest, ct)
            : new SeekableBlobStream(blobs, v.ArtifactDigest, length.Value);
        if (stream is null) return Unavailable("removed");

        var headers = http.Response.Headers;
        headers.ContentDisposition = g.ContentDisposition;
        headers.XContentTypeOptions = "nosniff";
        headers["Repr-Digest"] = "sha-256=:" + Convert.ToBase64String(Convert.FromHexString(g.DigestHex)) + ":";
        headers.CacheControl = "private, no-store";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        // Range units other than bytes are ignored (RFC 9110 §14.2): the whole file, 200.
        if (http.Request.Headers.Range.Count > 0
            && (http.Request.GetTypedHeaders().Range is not { } asked || !string.Equals(asked.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase)))
            http.Request.Headers.Remove(HeaderNames.Range);

        // Counted and audited once per URL and client address within Downloads:CountWindow: sixty Range requests of one
        // download manager are one download, and a holder cannot flood the append-only log.
        if (!HttpMethods.IsHead(http.Request.Method)
            && countWindow.ShouldCount(signature! + "|" + http.Connection.RemoteIpAddress, time.GetUtcNow(), o.CountWindow))
        {
            var (status, offset, bytes) = Planned(http.Request, length.Value, "\"" + v.ArtifactDigest + "\"", v.PublishedAt);
            db.Add(new DownloadRecord
            {
                AppId = v.AppId, VersionId = v.Id, TenantId = g.TenantId, UserId = g.UserId, At = time.GetUtcNow(), Status = status, Offset = offset,
                Bytes = bytes, ClientAddress = http.Connection.RemoteIpAddress?.ToString(),
            });
            await db.SaveChangesAsync(ct);
            metrics.Served(status);
            await audit.AppendAsync(new AuditEvent(DownloadAuditActions.Served, g.Subject, v.OrganizationId.ToString(), v.Id.ToString(),
                http.Connection.RemoteIpAddress?.ToString(), new { version = v.Version, digest = v.ArtifactDigest, status, offset, bytes, keyId = g.KeyId }), ct);
        }
        return TypedResults.Stream(stream, contentType, fileDownloadName: null, lastModified: v.PublishedAt,
            entityTag: new EntityTagHeaderValue("\"" + v.ArtifactDigest + "\""), enableRangeProcessing: true);
    }

    private static ProblemHttpResult MethodNotAllowed(HttpContext http)
    {
        http.Response.Headers.Allow = "GET, HEAD";
        return Problems.Of(StatusCodes.Status405MethodNotAllowed, ProblemCodes.MethodNotAllowed, "Method not allowed",
            "A download URL answers GET and HEAD only.");
    }

    private static async Task<UrlRefusal> CheckAsync(DownloadGrant g, string signature, HttpContext http, DownloadKeyRing ring,
        DownloadOptions o, DateTimeOffset now, CancellationToken ct)
    {
        // Cheap checks first; the signature is checked before anything that depends on who asks.
        if (now > g.ExpiresAt + o.ClockSkew) return UrlRefusal.Expired;
        if (g.ExpiresAt - now > o.MaxLifetime + o.ClockSkew) return UrlRefusal.TooFarAhead;
        var (secret, refusal) = await ring.VerifyingKeyAsync(g.KeyId, ct);
        if (secret is null) return refusal;
        if (!DownloadUrls.Verify(g, signature, secret)) return UrlRefusal.BadSignature;
        if (g.ClientAddress is not null
            && (http.Connection.RemoteIpAddress is not { } remote || Normalize(remote) != g.ClientAddress))
            return UrlRefusal.WrongClientAddress;
        return UrlRefusal.None;
    }

    /// <summary>What this request will be answered with (for the count): 206 with the first byte for a satisfiable single range.</summary>
    private static (int Status, long Offset, long Bytes) Planned(HttpRequest request, long length, string etag, DateTimeOffset? lastModified)
    {
        var typed = request.GetTypedHeaders();
        var range = typed.Range;
        // If-Range that does not match means the whole file (RFC 9110 §13.1.5).
        if (typed.IfRange is { } ifRange
            && (ifRange.EntityTag is { } tag ? !string.Equals(tag.Tag.Value, etag, StringComparison.Ordinal) || tag.IsWeak
                : ifRange.LastModified is not { } since || lastModified is not { } lm || lm.ToUnixTimeSeconds() > since.ToUnixTimeSeconds()))
            range = null;
        if (range is null || range.Ranges.Count != 1 || !string.Equals(range.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase))
            return (200, 0, length);
        var r = range.Ranges.First();
        long from, to;
        if (r.From is null) { from = Math.Max(0, length - (r.To ?? 0)); to = length - 1; }
        else { from = r.From.Value; to = Math.Min(r.To ?? length - 1, length - 1); }
        return from >= length || from > to ? (416, from, 0) : (206, from, to - from + 1);
    }

    private static async Task<bool> StillAllowedAsync(GatehouseDb db, string userId, Guid orgId, CancellationToken ct)
    {
        if (await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == userId, ct)) return true;
        string[] staff = [Roles.Admin, Roles.Reviewer];
        return await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id
                      where ur.UserId == userId && staff.Contains(r.Name!) select ur).AnyAsync(ct);
    }

    /// <summary>
    /// The type the engine verified for the artifact (libmagic on the artifact, in the version's scan report), never
    /// the uploader's; <c>application/octet-stream</c> when the engine could not tell. Kept on the version once read.
    /// </summary>
    internal static async Task<string> ContentTypeAsync(GatehouseDb db, AppVersion v, CancellationToken ct)
    {
        if (v.ArtifactContentType is { } known) return known;
        var json = v.CurrentScanId is { } scanId
            ? await db.Scans.AsNoTracking().Where(s => s.Id == scanId && s.BlobDigest == v.ArtifactDigest && s.Verdict != null)
                .Select(s => s.ReportJson).FirstOrDefaultAsync(ct)
            : null;
        var type = "application/octet-stream";
        if (json is not null)
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("artifact", out var art) && art.TryGetProperty("detectedType", out var dt)
                && dt.ValueKind == JsonValueKind.String && MediaTypeHeaderValue.TryParse(dt.GetString(), out var parsed) && parsed.MediaType.HasValue)
                type = parsed.MediaType.Value!;
            if (db.Entry(v).State != EntityState.Detached)
            {
                v.ArtifactContentType = type;
                await db.SaveChangesAsync(ct);
            }
        }
        return type;
    }

    private static string Normalize(IPAddress a) => (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).ToString();

    private static ProblemHttpResult Unavailable(string reason) =>
        Problems.Of(StatusCodes.Status410Gone, ProblemCodes.DownloadUnavailable, "This version is not available for download",
            reason switch
            {
                VersionStates.Quarantined => "The version is quarantined.",
                VersionStates.Suspended => "The version is suspended.",
                VersionStates.Delisted => "The version was delisted.",
                "not-entitled" => "The link's holder is no longer entitled to this app.",
                "removed" => "The file is no longer stored.",
                _ => "The version is not published.",
            },
            new Dictionary<string, object?> { ["reason"] = reason });

    // ------------------------------------------------------------------ entitlement, counts, keys

    /// <summary>A tenant admin installs a published app that is not a web integration (those install through OAuth consent).</summary>
    public static async Task<Results<Created<InstallationInfo>, ProblemHttpResult>> Install(
        Guid tenantId, InstallRequest request, HttpContext http, GatehouseDb db, TimeProvider time, AuditLog audit, CancellationToken ct)
    {
        var userId = http.User.Id();
        if (!await TenantAdmin.IsAsync(db, tenantId, userId, ct)) return Problems.NotFound("Tenant");
        var a = await db.Apps.AsNoTracking().FirstOrDefaultAsync(x => x.Slug == request.App, ct);
        if (a is null || !await db.AppVersions.AnyAsync(v => v.AppId == a.Id && v.State == VersionStates.Published, ct)) return Problems.NotFound("App");
        if (a.Type == AppTypes.WebIntegration) return Problems.Invalid("web integrations are installed through OAuth consent (/connect/authorize)");
        var existing = await db.Set<Installation>().AsNoTracking()
            .FirstOrDefaultAsync(i => i.TenantId == tenantId && i.AppId == a.Id && i.UninstalledAt == null, ct);
        if (existing is not null) return TypedResults.Created((string?)null, InstallationInfo.From(existing));
        var row = new Installation
        {
            Id = Guid.NewGuid(), TenantId = tenantId, ClientId = a.Slug, AppId = a.Id, Scopes = "", InstalledBy = userId, InstalledAt = time.GetUtcNow(),
        };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, OAuthAuditActions.AppInstalled, subject: a.Slug, data: new { tenant = tenantId, installation = row.Id }), ct);
        return TypedResults.Created((string?)null, InstallationInfo.From(row));
    }

    public static async Task<Results<Ok<List<DownloadCount>>, ProblemHttpResult>> Counts(
        string app, HttpContext http, AppAccess access, GatehouseDb db, CancellationToken ct)
    {
        var a = await access.FindAsync(http.User, app, ct);
        if (a is null) return Problems.NotFound("App");
        var rows = await db.Set<DownloadRecord>().AsNoTracking().Where(d => d.AppId == a.Id)
            .Select(d => new { d.TenantId, d.UserId, d.Offset, d.Bytes, d.At, d.Status }).ToListAsync(ct);
        var counts = rows.Where(r => r.Status is 200 or 206)
            .GroupBy(r => r.TenantId)
            .Select(g => new DownloadCount(g.Key, g.Count(r => r.Offset == 0), g.Count(), g.Sum(r => r.Bytes), g.Max(r => r.At)))
            .OrderByDescending(c => c.Downloads).ToList();
        return TypedResults.Ok(counts);
    }

    public static async Task<Ok<List<DownloadKeyInfo>>> ListKeys(DownloadKeyRing ring, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var rows = await ring.ListAsync(ct);
        var signing = rows.Where(k => k.RetiresAt is null).OrderByDescending(k => k.CreatedAt).FirstOrDefault()?.Id;
        return TypedResults.Ok(rows.Select(k => new DownloadKeyInfo(k.Id, k.CreatedAt, k.CreatedBy, k.RetiresAt,
            k.Id == signing, k.RetiresAt is null || k.RetiresAt > now)).ToList());
    }

    public static async Task<Results<Ok<DownloadKeyRotated>, ProblemHttpResult>> RotateKey(
        RotateDownloadKeyRequest? request, HttpContext http, DownloadKeyRing ring, IOptions<DownloadOptions> options, AuditLog audit, CancellationToken ct)
    {
        TimeSpan? overlap = request?.OverlapHours is { } h ? TimeSpan.FromHours(h) : null;
        if (overlap is { } w && (w < TimeSpan.Zero || w > options.Value.MaxLifetime))
            return Problems.Invalid($"overlapHours must be between 0 and {options.Value.MaxLifetime.TotalHours}");
        var id = await ring.RotateAsync(http.User.Id(), overlap, ct);
        await audit.AppendAsync(AuditEvent.By(http, DownloadAuditActions.KeyRotated, subject: id,
            data: new { overlapHours = (overlap ?? options.Value.MaxLifetime).TotalHours }), ct);
        return TypedResults.Ok(new DownloadKeyRotated(id));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RetireKey(string keyId, HttpContext http, DownloadKeyRing ring, AuditLog audit, CancellationToken ct)
    {
        var done = await ring.RetireAsync(keyId, ct);
        if (done is null) return Problems.NotFound("Download key");
        if (done == false) return Problems.Conflict("the signing key cannot be retired; rotate first");
        await audit.AppendAsync(AuditEvent.By(http, DownloadAuditActions.KeyRetired, subject: keyId), ct);
        return TypedResults.NoContent();
    }
}

/// <param name="TenantId">The tenant the URL is for (the caller administers it and it is entitled); none: for the caller (vendor or staff).</param>
/// <param name="LifetimeMinutes">Default 15; at most <c>Downloads:MaxLifetime</c> (7 days).</param>
/// <param name="BindClientAddress">Bind the URL to the caller's address.</param>
/// <param name="ClientAddress">Bind the URL to this address instead (e.g. the machine that will fetch it).</param>
/// <param name="Via"><c>gatehouse</c> (default) or <c>storage</c>.</param>
public sealed record IssueUrlRequest(Guid? TenantId, int? LifetimeMinutes, bool BindClientAddress, string? ClientAddress, string? Via);
public sealed record IssuedUrl(string Url, DateTimeOffset ExpiresAt, string Digest, long Size, string FileName, string ContentType, string? KeyId, string Via);
public sealed record InstallRequest(string? App);
public sealed record DownloadCount(Guid? TenantId, int Downloads, int Requests, long Bytes, DateTimeOffset LastAt);
public sealed record DownloadKeyInfo(string Id, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RetiresAt, bool Signing, bool Verifies);
public sealed record RotateDownloadKeyRequest(int? OverlapHours);
public sealed record DownloadKeyRotated(string Id);

public static class DownloadAuditActions
{
    public const string UrlIssued = "download.url-issued";
    public const string Served = "download.served";
    public const string KeyRotated = "download.key-rotated";
    public const string KeyRetired = "download.key-retired";
}

/// <summary><c>gatehouse.downloads.served</c> (tag <c>status</c>) and <c>gatehouse.downloads.refused</c> (tag <c>reason</c>).</summary>
public sealed class DownloadMetrics
{
    public const string MeterName = "Gatehouse.Downloads";
    private readonly Counter<long> _served;
    private readonly Counter<long> _refused;

    public DownloadMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var m = meters.Create(MeterName);
        _served = m.CreateCounter<long>("gatehouse.downloads.served");
        _refused = m.CreateCounter<long>("gatehouse.downloads.refused");
    }

    public void Served(int status) => _served.Add(1, new KeyValuePair<string, object?>("status", status));
    public void Refused(UrlRefusal reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
}
