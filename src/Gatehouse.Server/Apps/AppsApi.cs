using System.Security.Claims;
using System.Text.Json;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Apps and their versions: register an app, create a version, upload its artifact (streamed), answer
/// the questionnaire, attest, submit, and every later lifecycle action (<see cref="Lifecycle"/>). The rules live in
/// <see cref="AppRegistry"/>, <see cref="VersionDrafts"/> and <see cref="VersionActions"/>/<see cref="VersionWorkflow"/>;
/// the handlers translate their outcomes.
/// </summary>
internal static class AppsApi
{
    public static IEndpointRouteBuilder MapAppsApi(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/orgs/{orgId:guid}/apps").WithTags("Apps");
        orgs.MapPost("/", Create).RequireAuthorization(Policies.Write).WithName("CreateApp").WithSummary("Create an app in an organisation.");
        orgs.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListApps").WithSummary("List an organisation's apps.");

        var apps = app.MapGroup("/api/apps/{app}").WithTags("Apps");
        apps.MapGet("/", Get).RequireAuthorization(Policies.Read).WithName("GetApp").WithSummary("Get an app.");
        apps.MapGet("/versions", Versions).RequireAuthorization(Policies.Read).WithName("ListVersions").WithSummary("List an app's versions.");
        apps.MapPost("/versions", CreateVersion).RequireAuthorization(Policies.Write).WithName("CreateVersion").WithSummary("Create a draft version of an app.");
        var v = apps.MapGroup("/versions/{version}");
        v.MapGet("/", GetVersion).RequireAuthorization(Policies.Read).WithName("GetVersion").WithSummary("Get a version with its state, scan and requirements.");
        v.MapPut("/artifact", UploadArtifact).RequireAuthorization(Policies.Write)
            .Accepts<Stream>("application/octet-stream").DisableAntiforgery().WithName("UploadArtifact").WithSummary("Upload a version's artifact and start its scan.");
        v.MapPut("/sbom", UploadSbom).RequireAuthorization(Policies.Write)
            .Accepts<Stream>("application/vnd.cyclonedx+json", "application/json").DisableAntiforgery().WithName("UploadVendorSbom")
            .WithSummary("Upload the vendor's own CycloneDX SBOM of a draft, compared with what the scan finds.");
        v.MapPut("/answers", Answer).RequireAuthorization(Policies.Write).WithName("AnswerQuestionnaire").WithSummary("Answer a version's questionnaire.");
        v.MapPost("/attestation", Attest).RequireAuthorization(Policies.Write).WithName("AttestVersion").WithSummary("Attest a version against the current requirements.");
        v.MapPost("/actions", Act).RequireAuthorization(Policies.Write).WithName("SubmitVersionAction").WithSummary("Move a version through its lifecycle (submit, approve, publish, ...).");
        v.MapGet("/history", History).RequireAuthorization(Policies.Read).WithName("GetVersionHistory").WithSummary("List a version's lifecycle transitions.");
        v.MapGet("/findings", Findings).RequireAuthorization(Policies.Read).WithName("GetVersionFindings").WithSummary("List a version's findings with their suppressions.");
        return app;
    }

    public static async Task<Results<Created<AppInfo>, ProblemHttpResult>> Create(
        Guid orgId, CreateAppRequest request, HttpContext http, [AsParameters] AppsServices s, CancellationToken ct)
    {
        var outcome = await s.Registry.CreateAsync(http, orgId, request, ct);
        if (outcome.Refusal is { } refusal) return refusal.ToProblem();
        return TypedResults.Created($"/api/apps/{outcome.Value!.Slug}", outcome.Value);
    }

    public static async Task<Results<Ok<List<AppInfo>>, ProblemHttpResult>> List(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        var rows = await db.Apps.AsNoTracking().Where(a => a.OrganizationId == orgId).OrderBy(a => a.Slug).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(AppInfo.From).ToList());
    }

    public static async Task<Results<Ok<AppInfo>, ProblemHttpResult>> Get(string app, ClaimsPrincipal user, AppAccess apps, CancellationToken ct) =>
        await apps.FindAsync(user, app, ct) is { } row ? TypedResults.Ok(AppInfo.From(row)) : Problems.NotFound("App");

    public static async Task<Results<Ok<List<VersionInfo>>, ProblemHttpResult>> Versions(
        string app, ClaimsPrincipal user, AppAccess apps, GatehouseDb db, CancellationToken ct)
    {
        if (await apps.FindAsync(user, app, ct) is not { } row) return Problems.NotFound("App");
        var versions = await db.AppVersions.AsNoTracking().Where(v => v.AppId == row.Id).OrderByDescending(v => v.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(versions.Select(v => VersionInfo.From(row, v)).ToList());
    }

    public static async Task<Results<Created<VersionInfo>, ProblemHttpResult>> CreateVersion(
        string app, CreateVersionRequest request, HttpContext http, [AsParameters] AppsServices s, CancellationToken ct)
    {
        var outcome = await s.Registry.CreateVersionAsync(http, app, request, ct);
        if (outcome.Refusal is { } refusal) return refusal.ToProblem();
        return TypedResults.Created($"/api/apps/{outcome.Value!.App}/versions/{outcome.Value.Version}", outcome.Value);
    }

    public static async Task<Results<Ok<VersionDetail>, ProblemHttpResult>> GetVersion(
        string app, string version, ClaimsPrincipal user, [AsParameters] AppsServices s, CancellationToken ct)
    {
        var (row, v) = await s.Access.FindVersionAsync(user, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        var scan = v.CurrentScanId is { } sid ? await s.Db.Scans.AsNoTracking().FirstOrDefaultAsync(x => x.Id == sid, ct) : null;
        var effective = scan is null ? null : await s.Findings.EffectiveAsync(row, v, scan, ct);
        // What still stands between a draft and a submission, so the vendor can fix everything at once.
        var blockers = v.State is VersionStates.Draft or VersionStates.ChangesRequested ? await s.Workflow.SubmissionGuardsAsync(row, v, ct) : [];
        var score = v.QuestionnaireScoreJson is null ? (JsonElement?)null : JsonDocument.Parse(v.QuestionnaireScoreJson).RootElement.Clone();
        return TypedResults.Ok(new VersionDetail(VersionInfo.From(row, v),
            scan is null ? null : new VersionScanInfo(scan.Id, scan.State.ToString().ToLowerInvariant(), VerdictNames.Of(scan.Verdict), effective?.VerdictName,
                effective?.Findings.Count ?? 0, effective?.Findings.Count(f => f.SuppressedBy is not null) ?? 0, effective?.Blocking ?? [], effective?.RiskScore ?? 0,
                scan.CompletedAt, scan.Error),
            score, blockers));
    }

    /// <summary>The raw body is the artifact, streamed into the blob store. Allowed while the version is a draft or changes were requested.</summary>
    public static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> UploadArtifact(
        string app, string version, string name, HttpContext http, [AsParameters] AppsServices s, CancellationToken ct)
    {
        var outcome = await s.Drafts.UploadArtifactAsync(http, app, version, name,
            orgId => BlobUploads.ReceiveAsync(http, orgId, s.Blobs, s.Scanning.Value.MaxUploadBytes, "artifact", "Scanning:MaxUploadBytes", ct), ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>
    /// The raw body is the vendor's CycloneDX JSON SBOM (at most <see cref="ScanSboms.MaxBytes"/>), read at once and kept on
    /// the draft; the submission scan reports packages it leaves out (<c>sbom.undeclared-package</c>).
    /// </summary>
    public static async Task<Results<Ok<VendorSbomInfo>, ProblemHttpResult>> UploadSbom(
        string app, string version, HttpContext http, [AsParameters] AppsServices s, VendorSboms sboms, CancellationToken ct)
    {
        var outcome = await sboms.UploadAsync(http, app, version,
            orgId => BlobUploads.ReceiveAsync(http, orgId, s.Blobs, ScanSboms.MaxBytes, "SBOM", "32 MiB", ct), ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>Answers (<c>{questionId: answer}</c>) are scored at once against the app type's current questionnaire.</summary>
    public static async Task<Results<Ok<QuestionnaireResult>, ProblemHttpResult>> Answer(
        string app, string version, HttpContext http, [AsParameters] AppsServices s, CancellationToken ct)
    {
        var outcome = await s.Drafts.AnswerAsync(http, app, version, () => QuestionnaireAnswers.ReadAsync(http.Request.Body, ct), ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>A named person attests, for the organisation, that the version meets the requirements (the statement's hash is kept).</summary>
    public static async Task<Results<Ok<AttestationInfo>, ProblemHttpResult>> Attest(
        string app, string version, AttestRequest request, HttpContext http, [AsParameters] AppsServices s, CancellationToken ct)
    {
        var outcome = await s.Drafts.AttestAsync(http, app, version, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>Every lifecycle action after creation: submit, approve, request-changes, reject, rescan, publish, quarantine, suspend, reinstate, delist.</summary>
    public static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> Act(
        string app, string version, ActionRequest request, HttpContext http, [AsParameters] AppsServices s, CancellationToken ct)
    {
        var outcome = await s.Actions.ActAsync(http, app, version, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<List<TransitionInfo>>, ProblemHttpResult>> History(
        string app, string version, ClaimsPrincipal user, AppAccess apps, GatehouseDb db, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(user, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        var rows = await db.VersionTransitions.AsNoTracking().Where(t => t.AppVersionId == v.Id).OrderBy(t => t.Id).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(t => new TransitionInfo(t.From, t.To, t.Action,
            JsonSerializer.Deserialize<List<string>>(t.ReasonCodes) ?? [], t.Text, t.Actor, t.At)).ToList());
    }

    public static async Task<Results<Ok<VersionFindingsInfo>, ProblemHttpResult>> Findings(
        string app, string version, ClaimsPrincipal user, [AsParameters] AppsServices s, CancellationToken ct)
    {
        var (row, v) = await s.Access.FindVersionAsync(user, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        var scan = v.CurrentScanId is { } sid ? await s.Db.Scans.AsNoTracking().FirstOrDefaultAsync(x => x.Id == sid, ct) : null;
        if (scan is null) return Problems.Conflict("the version has not been scanned");
        var effective = await s.Findings.EffectiveAsync(row, v, scan, ct);
        return TypedResults.Ok(new VersionFindingsInfo(scan.Id, VerdictNames.Of(scan.Verdict), effective.VerdictName, effective.RiskScore,
            effective.Findings.Select(j => new VersionFindingInfo(j.Finding.RuleId, j.Finding.Severity, j.Finding.Path, j.Finding.Message,
                j.Finding.Fingerprint, j.Finding.RequirementId, j.Finding.Evidence, j.Finding.Line,
                j.SuppressedBy is null ? null : new SuppressedInfo(j.SuppressedBy.Id, j.SuppressedBy.ExpiresAt!.Value, j.SuppressedBy.Justification))).ToList()));
    }
}
