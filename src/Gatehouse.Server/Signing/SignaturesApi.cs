using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Signing;

/// <summary>
/// The signatures of approved artifacts (docs/signing.md, docs/downloads.md): under a signed download URL
/// (<c>/dl/{version}/{sha256}/sigstore.json</c> and <c>.../ticket.sigstore.json</c>, the URL's own query, checked exactly as
/// the download: <see cref="DownloadsApi.AuthorizeAsync"/>), and through the API for whoever may read the version's SBOM
/// (<see cref="VersionSignatures"/>: the vendor's members and staff, customers entitled to the published version; 404 for
/// everyone else). Nothing is read from the request body.
/// </summary>
internal static class SignaturesApi
{
    public static IEndpointRouteBuilder MapSignaturesApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var host = app.ServiceProvider.GetRequiredService<IOptions<DownloadOptions>>().Value.Host;
        var dl = app.MapGet(DownloadUrls.PathPrefix + "/{versionId:guid}/{digest}/{file}", ServeWithUrl)
            .AllowAnonymous().WithTags("Signing").RequireRateLimiting(DownloadRateLimitPolicy.Name).WithName("GetDownloadSignature")
            .WithSummary("Get a download's Sigstore bundle (sigstore.json) or approval ticket (ticket.sigstore.json) under the download URL's own grant.");
        if (host is not null) dl.RequireHost(host);
        app.MapGet("/api/apps/{app}/versions/{version}/signatures", List).WithTags("Signing").RequireAuthorization(Policies.Read)
            .WithName("ListVersionSignatures").WithSummary("List the signatures Gatehouse made over a version's artifact (kind, key id, digest).");
        app.MapGet("/api/apps/{app}/versions/{version}/signatures/{kind}", Get).WithTags("Signing").RequireAuthorization(Policies.Read)
            .WithName("GetVersionSignature").WithSummary("Download one signature of a version: bundle, ticket, prov or cosign (the signed payload).");
        return app;
    }

    /// <summary>A signature as listed by the API and shown by the console.</summary>
    internal sealed record SignatureInfo(string Kind, string KeyId, string SubjectDigest, string MediaType, string FileName, DateTimeOffset CreatedAt, string Url);

    /// <summary>
    /// Adds <c>Link</c> headers to a download response for the version's bundle and ticket, relative to the request's URL and
    /// with its query (the same grant), so a client that saved the file can fetch its signatures with the URL it holds.
    /// </summary>
    public static async Task AddDownloadLinksAsync(HttpContext http, GatehouseDb db, AppVersion v, string downloadPath, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(v);
        string[] served = [ArtifactSignatureKinds.Bundle, ArtifactSignatureKinds.Ticket];
        var kinds = await db.Set<ArtifactSignature>().AsNoTracking().Where(s => s.VersionId == v.Id && served.Contains(s.Kind)).Select(s => s.Kind).ToListAsync(ct);
        var query = http.Request.QueryString.Value ?? "";
        foreach (var kind in kinds.Order(StringComparer.Ordinal))
        {
            var (segment, rel) = kind == ArtifactSignatureKinds.Bundle
                ? (SignatureLinks.BundleSegment, SignatureLinks.BundleRel)
                : (SignatureLinks.TicketSegment, SignatureLinks.TicketRel);
            http.Response.Headers.Append("Link", $"<{downloadPath}/{segment}{query}>; rel=\"{rel}\"; type=\"{SigstoreBundleType}\"");
        }
    }

    private const string SigstoreBundleType = Gatehouse.Analysis.Signing.SigstoreBundle.MediaType;

    public static async Task<IResult> ServeWithUrl(Guid versionId, string digest, string file, HttpContext http, [AsParameters] DownloadServices s, CancellationToken ct)
    {
        var kind = SignatureLinks.KindOfSegment(file);
        if (kind is null) return Problems.NotFound("Signature");
        var (found, _, _, denied) = await DownloadsApi.AuthorizeAsync(versionId, digest, http, s, ct);
        if (denied is not null) return denied;
        var v = found!;
        var row = await s.Db.Set<ArtifactSignature>().AsNoTracking().FirstOrDefaultAsync(x => x.VersionId == v.Id && x.Kind == kind, ct);
        if (row is null) return Problems.NotFound("Signature (the version is not signed yet)");
        var app = await s.Db.Apps.AsNoTracking().FirstAsync(a => a.Id == v.AppId, ct);
        return Bytes(http, row, SignatureLinks.FileName(SignatureLinks.ArtifactName(app, v), kind));
    }

    public static async Task<Results<Ok<List<SignatureInfo>>, ProblemHttpResult>> List(
        string app, string version, HttpContext http, VersionSignatures signatures, CancellationToken ct)
    {
        var found = await signatures.FindAsync(http.User, app, version, ct);
        if (found.Refusal is { } refusal) return refusal.ToProblem();
        var set = found.Value!;
        return TypedResults.Ok(set.Rows.Select(r => Info(app, version, set.Artifact, r)).ToList());
    }

    public static async Task<IResult> Get(string app, string version, string kind, HttpContext http, VersionSignatures signatures, CancellationToken ct)
    {
        var found = await signatures.FindAsync(http.User, app, version, ct);
        if (found.Refusal is { } refusal) return refusal.ToProblem();
        var row = found.Value!.Rows.FirstOrDefault(r => r.Kind == kind);
        if (row is null) return Problems.NotFound("Signature");
        return Bytes(http, row, SignatureLinks.FileName(found.Value!.Artifact, kind));
    }

    internal static SignatureInfo Info(string app, string version, string artifact, ArtifactSignature r) =>
        new(r.Kind, r.KeyId, r.SubjectDigest, r.MediaType, SignatureLinks.FileName(artifact, r.Kind), r.CreatedAt, Url(app, version, r.Kind));

    /// <summary>The API URL of one signature (what the console links).</summary>
    internal static string Url(string app, string version, string kind) =>
        $"/api/apps/{Uri.EscapeDataString(app)}/versions/{Uri.EscapeDataString(version)}/signatures/{kind}";

    private static IResult Bytes(HttpContext http, ArtifactSignature row, string fileName)
    {
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        http.Response.Headers["Gatehouse-Key-Id"] = row.KeyId;
        if (row.Signature is { } sig) http.Response.Headers["Gatehouse-Signature"] = sig;
        http.Response.Headers.ContentDisposition = DownloadUrls.Attachment(fileName);
        return TypedResults.Bytes(row.Content, row.MediaType);
    }
}
