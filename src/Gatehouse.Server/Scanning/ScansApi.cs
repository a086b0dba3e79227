using System.Security.Claims;
using System.Text.Json;
using Gatehouse.Analysis.Analyzers;
using Gatehouse.Analysis.Reports;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Scanning;

/// <summary>Upload an artifact for scanning and read the result (report, findings, SARIF).</summary>
internal static class ScansApi
{
    private static readonly string[] Types = ["downloadable", "web", "container", "chart"];

    public static IEndpointRouteBuilder MapScansApi(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/orgs/{orgId:guid}/scans").WithTags("Scans");
        orgs.MapPost("/", Submit).RequireAuthorization(Policies.Write)
            .Accepts<Stream>("application/octet-stream").DisableAntiforgery().WithName("SubmitScan").WithSummary("Upload a file and scan it.");
        orgs.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListScans").WithSummary("List an organisation's scans.");
        var scans = app.MapGroup("/api/scans").WithTags("Scans");
        scans.MapGet("/{scanId:guid}", Get).RequireAuthorization(Policies.Read).WithName("GetScan").WithSummary("Get a scan with its verdict and report.");
        scans.MapGet("/{scanId:guid}/findings", Findings).RequireAuthorization(Policies.Read).WithName("GetScanFindings").WithSummary("List a scan's findings.");
        scans.MapGet("/{scanId:guid}/sarif", Sarif).RequireAuthorization(Policies.Read).WithName("GetScanSarif").WithSummary("Get a scan's report as SARIF 2.1.0.");
        return app;
    }

    /// <summary>
    /// The raw request body is the artifact (streamed into the blob store, never buffered whole).
    /// <paramref name="name"/> is for display only; <paramref name="type"/> is the app type.
    /// </summary>
    public static async Task<Results<Accepted<ScanInfo>, ProblemHttpResult>> Submit(
        Guid orgId, string name, HttpContext http, OrgAccess access, GatehouseDb db, IBlobStore blobs,
        ScanStarter starter, AuditLog audit, IOptions<ScanningOptions> options, CancellationToken ct, string type = "downloadable")
    {
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Problems.NotFound("Organization");
        if (!await access.CanActAsync(http.User, orgId, ct)) return OrgAccess.MembersOnly("upload for scanning");
        if (!Types.Contains(type)) return Problems.Invalid($"type must be one of: {string.Join(", ", Types)}");
        if (UploadNames.Problem(name) is { } badName) return Problems.Invalid(badName);
        var fileName = UploadNames.Sanitize(name, "artifact");
        var upload = await BlobUploads.ReceiveAsync(http, orgId, blobs, options.Value.MaxUploadBytes, "artifact", "Scanning:MaxUploadBytes", ct);
        if (upload.Problem is not null) return upload.Problem;
        var blob = upload.Blob!;

        // The scan, its work item and its audit entry commit together.
        var scan = starter.Add(new ScanRequest(orgId, http.User.Id(), blob.Digest, blob.Length, fileName, type, ScanPurposes.Adhoc));
        // The name as sent only here, JSON-escaped: never a path, never shown as the file's name.
        audit.Record(db, AuditEvent.By(http, AuditActions.ScanSubmitted, orgId.ToString(), scan.Id.ToString(),
            new { digest = blob.Digest, size = blob.Length, type, name = fileName, originalName = fileName == name ? null : name }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Accepted($"/api/scans/{scan.Id}", ScanInfo.From(scan));
    }

    public static async Task<Results<Ok<List<ScanInfo>>, ProblemHttpResult>> List(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        var rows = await db.Scans.AsNoTracking().Where(s => s.OrganizationId == orgId).OrderByDescending(s => s.CreatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(ScanInfo.From).ToList());
    }

    public static async Task<Results<Ok<ScanDetail>, ProblemHttpResult>> Get(
        Guid scanId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        var scan = await Visible(scanId, user, access, db, ct);
        if (scan is null) return Problems.NotFound("Scan");
        var report = scan.ReportJson is null ? (JsonElement?)null : JsonDocument.Parse(scan.ReportJson).RootElement.Clone();
        return TypedResults.Ok(new ScanDetail(ScanInfo.From(scan), report));
    }

    public static async Task<Results<Ok<List<ScanFindingInfo>>, ProblemHttpResult>> Findings(
        Guid scanId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        var scan = await Visible(scanId, user, access, db, ct);
        if (scan is null) return Problems.NotFound("Scan");
        var rows = await db.ScanFindings.AsNoTracking().Where(f => f.ScanId == scanId).OrderBy(f => f.Id).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(f => new ScanFindingInfo(f.RuleId, f.Severity, f.Path, f.Message, f.Fingerprint,
            f.RequirementId, f.AnalyzerId, f.Evidence, f.Line)).ToList());
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Sarif(
        Guid scanId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        var scan = await Visible(scanId, user, access, db, ct);
        if (scan is null) return Problems.NotFound("Scan");
        if (scan.ReportJson is null) return Problems.Conflict("the scan has not finished");
        var report = scan.Kind == ScanKind.Probe
            ? Probes.ProbeReports.AsScanReport(Probes.ProbeReports.ReadReport(scan.ReportJson)!)
            : ReportJson.Deserialize(scan.ReportJson)!;
        return TypedResults.Content(ReportSarif.Serialize(report, AnalyzerCatalog.AllRules()), "application/sarif+json");
    }

    private static async Task<Scan?> Visible(Guid scanId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        var scan = await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == scanId, ct);
        return scan is not null && await access.CanSeeAsync(user, scan.OrganizationId, ct) ? scan : null;
    }
}

internal sealed record ScanInfo(Guid Id, Guid OrganizationId, string FileName, string ArtifactType, string Digest, long Size,
    string State, string? Verdict, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    public static ScanInfo From(Scan s) => new(s.Id, s.OrganizationId, s.FileName, s.ArtifactType, s.BlobDigest, s.Size,
        s.State.ToString().ToLowerInvariant(), VerdictNames.Of(s.Verdict), s.CreatedAt, s.CompletedAt);
}

internal sealed record ScanDetail(ScanInfo Scan, JsonElement? Report);
internal sealed record ScanFindingInfo(string RuleId, string Severity, string Path, string Message, string Fingerprint,
    string? RequirementId, string AnalyzerId, string? Evidence, int? Line);
