using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Gatehouse.Analysis.Vulnerabilities.Sbom;
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
/// URL keys. Docs: docs/downloads.md. Who gets a URL, installs and key rotation are decided in <see cref="DownloadIssuer"/>;
/// those handlers translate its outcomes.
/// </summary>
internal static class DownloadsApi
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
        app.MapGet("/api/apps/{app}/versions/{version}/sbom", Sbom).WithTags("Downloads").RequireAuthorization(Policies.Read)
            .Produces(StatusCodes.Status200OK, contentType: CycloneDxWriter.MediaType).WithName("GetVersionSbom")
            .WithSummary("Download a version's SBOM (CycloneDX 1.6 JSON) of what its scan found.");
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

    // ------------------------------------------------------------------ SBOM

    /// <summary>
    /// The version's SBOM, for the vendor's members and staff and for customers entitled to the version
    /// (<see cref="SbomDownloads"/>); always as a download, never rendered by the browser.
    /// </summary>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Sbom(
        string app, string version, HttpContext http, SbomDownloads sboms, IBlobStore blobs, CancellationToken ct)
    {
        var outcome = await sboms.FindAsync(http.User, app, version, ct);
        if (outcome.Refusal is { } refusal) return refusal.ToProblem();
        var content = await blobs.OpenReadAsync(outcome.Value!.Digest, ct);
        if (content is null) return Problems.NotFound("SBOM");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Stream(content, CycloneDxWriter.MediaType, outcome.Value.FileName);
    }

    // ------------------------------------------------------------------ issuing

    public static async Task<Results<Created<IssuedUrl>, ProblemHttpResult>> Issue(
        string app, string version, IssueUrlRequest? request, HttpContext http, DownloadIssuer issuer, CancellationToken ct)
    {
        var outcome = await issuer.IssueAsync(http, app, version, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created((string?)null, outcome.Value!);
    }

    // ------------------------------------------------------------------ serving

    public static async Task<IResult> Serve(Guid versionId, string digest, HttpContext http, [AsParameters] DownloadServices s, CancellationToken ct)
    {
        var (_, db, blobs, options, time, audit, metrics, countWindow, _, links) = s;
        var o = options.Value;
        var (found, grant, signature, denied) = await AuthorizeAsync(versionId, digest, http, s, ct);
        if (denied is not null) return denied;
        var v = found!;
        var g = grant!;
        ArgumentNullException.ThrowIfNull(v.ArtifactDigest); // AuthorizeAsync checked it is the URL's digest

        var length = await blobs.GetLengthAsync(v.ArtifactDigest, ct);
        if (length is null) return Unavailable("removed").ToProblem();
        var contentType = await ContentTypeAsync(db, v, ct);
        // The file store's streams seek (Range is answered from the open file); others read ranges on demand.
        var stream = blobs is FileSystemBlobStore
            ? await blobs.OpenReadAsync(v.ArtifactDigest, ct)
            : new SeekableBlobStream(blobs, v.ArtifactDigest, length.Value);
        if (stream is null) return Unavailable("removed").ToProblem();

        var headers = http.Response.Headers;
        headers.ContentDisposition = g.ContentDisposition;
        headers.XContentTypeOptions = "nosniff";
        headers["Repr-Digest"] = "sha-256=:" + Convert.ToBase64String(Convert.FromHexString(g.DigestHex)) + ":";
        headers.CacheControl = "private, no-store";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        // The Sigstore bundle and the approval ticket, under this URL's own grant (docs/downloads.md, "Signatures").
        foreach (var link in links) await link.AddAsync(http, v, g.Path, ct);
        // Range units other than bytes are ignored (RFC 9110 §14.2): the whole file, 200.
        if (http.Request.Headers.Range.Count > 0
            && (http.Request.GetTypedHeaders().Range is not { } asked || !string.Equals(asked.Unit.Value, "bytes", StringComparison.OrdinalIgnoreCase)))
            http.Request.Headers.Remove(HeaderNames.Range);

        // Counted and audited once per URL and client address within Downloads:CountWindow: sixty Range requests of one
        // download manager are one download, and a holder cannot flood the append-only log.
        // A repeat waits for the first request's record (a 200 always has its record committed).
        using var ticket = HttpMethods.IsHead(http.Request.Method) ? null
            : await countWindow.ClaimAsync(signature! + "|" + http.Connection.RemoteIpAddress, time.GetUtcNow(), o.CountWindow, ct);
        if (ticket is not null)
        {
            var (status, offset, bytes) = Planned(http.Request, length.Value, "\"" + v.ArtifactDigest + "\"", v.PublishedAt);
            db.Add(new DownloadRecord
            {
                AppId = v.AppId, VersionId = v.Id, TenantId = g.TenantId, UserId = g.UserId, At = time.GetUtcNow(), Status = status, Offset = offset,
                Bytes = bytes, ClientAddress = http.Connection.RemoteIpAddress?.ToString(),
            });
            // The download's record and its audit entry commit together (issue 14).
            audit.Record(db, new AuditEvent(DownloadAuditActions.Served, g.Subject, v.OrganizationId.ToString(), v.Id.ToString(),
                http.Connection.RemoteIpAddress?.ToString(), new { version = v.Version, digest = v.ArtifactDigest, status, offset, bytes, keyId = g.KeyId }));
            await db.SaveChangesAsync(ct);
            ticket.Committed();
            metrics.Served(status);
        }
        return TypedResults.Stream(stream, contentType, fileDownloadName: null, lastModified: v.PublishedAt,
            entityTag: new EntityTagHeaderValue("\"" + v.ArtifactDigest + "\""), enableRangeProcessing: true);
    }

    /// <summary>
    /// Checks a signed download URL as presented (method, path, query) and the version behind it, exactly as the download
    /// itself does: the URL's MAC, expiry and client address, the version still published with that artifact, the holder
    /// still entitled. The version's signatures (<c>Signing/SignaturesApi.cs</c>) are served under the same check.
    /// </summary>
    internal static async Task<(AppVersion? Version, DownloadGrant? Grant, string? Signature, IResult? Refusal)> AuthorizeAsync(
        Guid versionId, string digest, HttpContext http, DownloadServices s, CancellationToken ct)
    {
        var (ring, db, _, options, time, _, metrics, _, loggers, _) = s;
        var o = options.Value;
        var (grant, signature) = DownloadUrls.Parse(http.Request.Method, versionId, digest, http.Request.Query);
        // The route accepts any spelling of a GUID (upper case, no hyphens, braces); a URL has exactly one, the one signed.
        if (!string.Equals(http.Request.RouteValues["versionId"] as string, versionId.ToString("D"), StringComparison.Ordinal)) grant = null;
        // The query parser drops empty pairs ("&&", a trailing "&"); they are another spelling too.
        if (http.Request.QueryString.Value is { } q && (q.EndsWith('&') || q.Contains("&&", StringComparison.Ordinal) || q.StartsWith("?&", StringComparison.Ordinal))) grant = null;
        var refusal = grant is null ? UrlRefusal.Malformed : await CheckAsync(grant, signature!, http, ring, o, time.GetUtcNow(), ct);
        if (refusal != UrlRefusal.None)
        {
            // One answer for every failure: a caller cannot learn which part was wrong.
            metrics.Refused(refusal);
            DownloadRefusals.RecordDownload(http, refusal, versionId);
            loggers.CreateLogger("Gatehouse.Downloads").LogInformation("Download URL refused ({Reason}) for {Path} from {Address}",
                refusal, http.Request.Path.Value, http.Connection.RemoteIpAddress);
            return (null, null, null, Problems.Of(StatusCodes.Status403Forbidden, ProblemCodes.DownloadUrlInvalid, "This download link is not valid",
                "The link is expired, altered or not meant for you. Ask for a new one."));
        }
        var g = grant!;
        var v = await db.AppVersions.FirstOrDefaultAsync(x => x.Id == versionId, ct);
        if (v is null || v.ArtifactDigest != BlobDigest.Prefix + g.DigestHex) return (null, null, null, Unavailable("removed").ToProblem());
        // Checked on every request, so quarantine, suspension or delisting stops URLs handed out before.
        if (v.State != VersionStates.Published) return (null, null, null, Unavailable(v.State).ToProblem());
        if (g.TenantId is { } tenant
            && !await db.Set<Installation>().AnyAsync(i => i.TenantId == tenant && i.AppId == v.AppId && i.UninstalledAt == null, ct))
            return (null, null, null, Unavailable("not-entitled").ToProblem());
        if (g.UserId is { } user && !await StillAllowedAsync(db, user, v.OrganizationId, ct)) return (null, null, null, Unavailable("not-entitled").ToProblem());
        return (v, g, signature, null);
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

    internal static string Normalize(IPAddress a) => (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).ToString();

    internal static Refusal Unavailable(string reason) =>
        new(StatusCodes.Status410Gone, ProblemCodes.DownloadUnavailable, "This version is not available for download",
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
        Guid tenantId, InstallRequest request, HttpContext http, DownloadIssuer issuer, CancellationToken ct)
    {
        var outcome = await issuer.InstallAsync(http, tenantId, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created((string?)null, outcome.Value!);
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

    public static async Task<Ok<List<DownloadKeyInfo>>> ListKeys(DownloadIssuer issuer, CancellationToken ct) =>
        TypedResults.Ok(await issuer.ListKeysAsync(ct));

    public static async Task<Results<Ok<DownloadKeyRotated>, ProblemHttpResult>> RotateKey(
        RotateDownloadKeyRequest? request, HttpContext http, DownloadIssuer issuer, CancellationToken ct)
    {
        var outcome = await issuer.RotateKeyAsync(http, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RetireKey(string keyId, HttpContext http, DownloadIssuer issuer, CancellationToken ct)
    {
        var outcome = await issuer.RetireKeyAsync(http, keyId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
    }
}

internal static class DownloadAuditActions
{
    public const string UrlIssued = "download.url-issued";
    public const string Served = "download.served";
    public const string KeyRotated = "download.key-rotated";
    public const string KeyRetired = "download.key-retired";
}

/// <summary><c>gatehouse.downloads.served</c> (tag <c>status</c>) and <c>gatehouse.downloads.refused</c> (tag <c>reason</c>).</summary>
internal sealed class DownloadMetrics
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
