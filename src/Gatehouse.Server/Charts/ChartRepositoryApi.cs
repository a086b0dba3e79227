using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gatehouse.Server.Charts;

/// <summary>
/// The gated Helm chart repository (docs/helm-repository.md): <c>GET /charts/index.yaml</c> and the chart downloads it
/// names, for <c>helm repo add NAME URL/charts --username TENANT --password PAT</c> and <c>helm pull NAME/CHART</c>.
/// Every request authenticates (<see cref="TenantCredentials"/>, HTTP Basic: 401 with <c>WWW-Authenticate: Basic</c>
/// otherwise) before anything is looked up, is under the downloads' rate limit per client address, and sees only the charts
/// the tenant gets now (<see cref="ChartRepository"/>): a chart it cannot see is 404, exactly like one that does not exist.
/// GET only (Helm sends nothing else); no request body is read.
/// </summary>
internal static class ChartRepositoryApi
{
    public const string PathPrefix = "/charts";

    public static IEndpointRouteBuilder MapChartRepositoryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(PathPrefix + "/index.yaml", Index).AllowAnonymous().RequireRateLimiting(DownloadRateLimitPolicy.Name).WithTags("Charts")
            .Produces(StatusCodes.Status200OK, contentType: IndexMediaType).WithName("GetChartRepositoryIndex")
            .WithSummary("Get the Helm repository index of the charts the tenant gets; HTTP Basic: tenant id and a personal access token.");
        app.MapGet(PathPrefix + "/v/{versionId:guid}/{file}", Download).AllowAnonymous().RequireRateLimiting(DownloadRateLimitPolicy.Name).WithTags("Charts")
            .Produces(StatusCodes.Status200OK, contentType: ChartMediaType).WithName("DownloadChart")
            .WithSummary("Download a chart the tenant gets (.tgz, as named by the index); HTTP Basic: tenant id and a personal access token.");
        return app;
    }

    /// <summary>YAML (RFC 9512).</summary>
    public const string IndexMediaType = "application/yaml";

    public const string ChartMediaType = "application/gzip";

    /// <summary>What Helm appends to a chart's URL to fetch its provenance file.</summary>
    public const string ProvenanceSuffix = ".prov";

    public static async Task<IResult> Index(HttpContext http, TenantCredentials credentials, ChartRepository charts, IChartProvenance provenanceFiles, TimeProvider time, CancellationToken ct)
    {
        if (await credentials.AuthenticateAsync(http, ct) is not { } customer) return Unauthenticated(http);
        var entries = await charts.EntriesAsync(customer.TenantId, ct);
        NoStore(http);
        return TypedResults.Text(ChartIndex.Write(entries, time.GetUtcNow()), IndexMediaType + "; charset=utf-8");
    }

    public static async Task<IResult> Download(Guid versionId, string file, HttpContext http, TenantCredentials credentials, ChartRepository charts, IChartProvenance provenanceFiles,
        GatehouseDb db, IBlobStore blobs, AuditLog audit, DownloadMetrics metrics, DownloadCountWindow countWindow, IOptions<DownloadOptions> options,
        TimeProvider time, CancellationToken ct)
    {
        if (await credentials.AuthenticateAsync(http, ct) is not { } customer) return Unauthenticated(http);
        // NAME-VERSION.tgz.prov: the chart's Helm provenance (helm pull --verify fetches it next to the chart), under the same check.
        var provenance = file.EndsWith(ProvenanceSuffix, StringComparison.Ordinal);
        var chartFile = provenance ? file[..^ProvenanceSuffix.Length] : file;
        if (file.Length > 300 || await charts.FindAsync(customer.TenantId, versionId, chartFile, ct) is not { } entry) return Problems.NotFound("Chart");
        if (provenance) return Provenance(http, await provenanceFiles.FindAsync(versionId, ct));
        var digest = BlobDigest.Prefix + entry.DigestHex;
        var stream = await blobs.OpenReadAsync(digest, ct);
        if (stream is null) return Problems.NotFound("Chart");

        // Counted and audited as a download (table download_records, audit download.served), once per token, version and
        // client address within Downloads:CountWindow, so a client that pulls in a loop cannot flood the append-only log.
        var now = time.GetUtcNow();
        using var ticket = await countWindow.ClaimAsync($"chart|{customer.TokenId}|{versionId:N}|{http.Connection.RemoteIpAddress}", now, options.Value.CountWindow, ct);
        if (ticket is not null)
        {
            var orgId = await db.AppVersions.Where(v => v.Id == versionId).Select(v => v.OrganizationId).FirstAsync(ct);
            var length = await blobs.GetLengthAsync(digest, ct) ?? 0;
            db.Add(new DownloadRecord
            {
                AppId = entry.AppId, VersionId = versionId, TenantId = customer.TenantId, At = now, Status = StatusCodes.Status200OK, Offset = 0,
                Bytes = length, ClientAddress = http.Connection.RemoteIpAddress?.ToString(),
            });
            // The download's record and its audit entry commit together (issue 14).
            audit.Record(db, new AuditEvent(DownloadAuditActions.Served, customer.UserId, orgId.ToString(), versionId.ToString(),
                http.Connection.RemoteIpAddress?.ToString(), new
                {
                    via = "helm-repository", tenant = customer.TenantId, chart = entry.Chart.Name, chartVersion = entry.Chart.Version, digest,
                    status = StatusCodes.Status200OK, bytes = length, tokenId = customer.TokenId,
                }));
            await db.SaveChangesAsync(ct);
            ticket.Committed();
            metrics.Served(StatusCodes.Status200OK);
        }
        NoStore(http);
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        http.Response.Headers["Repr-Digest"] = "sha-256=:" + Convert.ToBase64String(Convert.FromHexString(entry.DigestHex)) + ":";
        return TypedResults.Stream(stream, ChartMediaType, entry.FileName, entityTag: new EntityTagHeaderValue("\"" + digest + "\""));
    }

    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
    }

    /// <summary>401 with a Basic challenge (Helm then sends the credentials it was given); the refusal is aggregated per caller and window.</summary>
    private static IResult Unauthenticated(HttpContext http)
    {
        http.RequestServices.GetRequiredService<SecurityRefusals>().Record(http, RefusalReasons.PatRefused, "helm-repository");
        http.Response.Headers.WWWAuthenticate = "Basic realm=\"Gatehouse charts\", charset=\"UTF-8\"";
        return Problems.Of(StatusCodes.Status401Unauthorized, ProblemCodes.ChartsCredentialsInvalid, "The chart repository credentials are not valid",
            "Use the tenant's id as the user name and a personal access token with read scope of one of its admins as the password.");
    }

    /// <summary>A chart's .prov as text, under the chart's own headers; 404 until the version is signed.</summary>
    private static IResult Provenance(HttpContext http, ChartProvenanceFile? file)
    {
        if (file is null) return Problems.NotFound("Chart provenance (the version is not signed yet)");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        http.Response.Headers["Gatehouse-Key-Id"] = file.KeyId;
        return TypedResults.Bytes(file.Content, "text/plain; charset=utf-8");
    }
}
