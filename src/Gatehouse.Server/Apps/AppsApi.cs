using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Analysis.Questionnaires;
using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Apps and their versions: register an app, create a version, upload its artifact (streamed), answer
/// the questionnaire, attest, submit, and every later lifecycle action (<see cref="Lifecycle"/>).
/// </summary>
public static partial class AppsApi
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
        v.MapPut("/answers", Answer).RequireAuthorization(Policies.Write).WithName("AnswerQuestionnaire").WithSummary("Answer a version's questionnaire.");
        v.MapPost("/attestation", Attest).RequireAuthorization(Policies.Write).WithName("AttestVersion").WithSummary("Attest a version against the current requirements.");
        v.MapPost("/actions", Act).RequireAuthorization(Policies.Write).WithName("SubmitVersionAction").WithSummary("Move a version through its lifecycle (submit, approve, publish, ...).");
        v.MapGet("/history", History).RequireAuthorization(Policies.Read).WithName("GetVersionHistory").WithSummary("List a version's lifecycle transitions.");
        v.MapGet("/findings", Findings).RequireAuthorization(Policies.Read).WithName("GetVersionFindings").WithSummary("List a version's findings with their suppressions.");
        return app;
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")]
    private static partial Regex VersionPattern();

    public static async Task<Results<Created<AppInfo>, ProblemHttpResult>> Create(
        Guid orgId, CreateAppRequest request, HttpContext http, OrgAccess access, GatehouseDb db, ListingPolicies listing,
        AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Problems.NotFound("Organization");
        if (!await access.CanActAsync(http.User, orgId, ct)) return OrgAccess.MembersOnly("register apps");
        if (request.Slug is null || !SlugPattern().IsMatch(request.Slug))
            return Problems.Invalid("slug must be 1-64 lower-case letters, digits and dashes, starting and ending with a letter or digit");
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl)) return Problems.Invalid("name is required (at most 200 characters)");
        if (request.Type is null || !AppTypes.All.Contains(request.Type)) return Problems.Invalid($"type must be one of: {string.Join(", ", AppTypes.All)}");
        var tier = request.Tier ?? "standard";
        var policy = await listing.CurrentAsync(ct);
        if (!policy.Policy.Tiers.ContainsKey(tier)) return Problems.Invalid($"tier must be one of: {string.Join(", ", policy.Policy.Tiers.Keys)}");
        if (request.BaseUrl is not null && !IsHttpsUrl(request.BaseUrl)) return Problems.Invalid("baseUrl must be an absolute https URL");
        if (await db.Apps.AnyAsync(a => a.Slug == request.Slug, ct)) return Problems.Conflict("an app with this slug exists");
        var now = time.GetUtcNow();
        var row = new App
        {
            Id = Guid.CreateVersion7(now), OrganizationId = orgId, Slug = request.Slug, Name = name, Type = request.Type, Tier = tier,
            BaseUrl = request.BaseUrl, CreatedBy = http.User.Id(), CreatedAt = now,
        };
        db.Apps.Add(row);
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.AppCreated, orgId.ToString(), row.Id.ToString(), new { row.Slug, row.Type, row.Tier }), ct);
        return TypedResults.Created($"/api/apps/{row.Slug}", AppInfo.From(row));
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
        string app, CreateVersionRequest request, HttpContext http, AppAccess apps, GatehouseDb db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (await apps.FindAsync(http.User, app, ct) is not { } row) return Problems.NotFound("App");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Problems.Forbidden("only members of the vendor organisation create versions");
        if (request.Version is null || !VersionPattern().IsMatch(request.Version))
            return Problems.Invalid("version must be 1-64 characters: letters, digits, '.', '+', '_' or '-' (e.g. 1.4.2)");
        if (request.Reference is not null && !IsHttpsUrl(request.Reference)) return Problems.Invalid("reference must be an absolute https URL");
        var reference = request.Reference ?? (row.Type == AppTypes.WebIntegration ? row.BaseUrl : null);
        if (Probes.ProbeEndpoints.Problem(request.Endpoints, reference) is { } endpointsProblem) return Problems.Invalid(endpointsProblem);
        if (await db.AppVersions.AnyAsync(v => v.AppId == row.Id && v.Version == request.Version, ct)) return Problems.Conflict("this version exists");
        var now = time.GetUtcNow();
        var v = new AppVersion
        {
            Id = Guid.CreateVersion7(now), AppId = row.Id, OrganizationId = row.OrganizationId, Version = request.Version,
            State = VersionStates.Draft, Reference = reference, EndpointsJson = Probes.ProbeEndpoints.ToJson(request.Endpoints),
            CatalogVersion = RequirementCatalog.LoadEmbedded().Version, CreatedBy = http.User.Id(), CreatedAt = now, UpdatedAt = now,
        };
        db.AppVersions.Add(v);
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.VersionCreated, row.OrganizationId.ToString(), v.Id.ToString(), new { app = row.Slug, v.Version }), ct);
        return TypedResults.Created($"/api/apps/{row.Slug}/versions/{v.Version}", VersionInfo.From(row, v));
    }

    public static async Task<Results<Ok<VersionDetail>, ProblemHttpResult>> GetVersion(
        string app, string version, ClaimsPrincipal user, AppAccess apps, GatehouseDb db, VersionWorkflow workflow, VersionFindings findings, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(user, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        var scan = v.CurrentScanId is { } sid ? await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, ct) : null;
        var effective = scan is null ? null : await findings.EffectiveAsync(row, v, scan, ct);
        // What still stands between a draft and a submission, so the vendor can fix everything at once.
        var blockers = v.State is VersionStates.Draft or VersionStates.ChangesRequested ? await workflow.SubmissionGuardsAsync(row, v, ct) : [];
        var score = v.QuestionnaireScoreJson is null ? (JsonElement?)null : JsonDocument.Parse(v.QuestionnaireScoreJson).RootElement.Clone();
        return TypedResults.Ok(new VersionDetail(VersionInfo.From(row, v),
            scan is null ? null : new VersionScanInfo(scan.Id, scan.State.ToString().ToLowerInvariant(), scan.Verdict, effective?.Verdict,
                effective?.Findings.Count ?? 0, effective?.Findings.Count(f => f.SuppressedBy is not null) ?? 0, effective?.Blocking ?? [], effective?.RiskScore ?? 0,
                scan.CompletedAt, scan.Error),
            score, blockers));
    }

    /// <summary>The raw body is the artifact, streamed into the blob store. Allowed while the version is a draft or changes were requested.</summary>
    public static Task<Results<Ok<VersionInfo>, ProblemHttpResult>> UploadArtifact(
        string app, string version, string name, HttpContext http, AppAccess apps, GatehouseDb db, IBlobStore blobs, AuditLog audit,
        TimeProvider time, IOptions<ScanningOptions> options, CancellationToken ct) =>
        UploadArtifactAsync(app, version, name, http,
            orgId => BlobUploads.ReceiveAsync(http, orgId, blobs, options.Value.MaxUploadBytes, "artifact", "Scanning:MaxUploadBytes", ct), apps, db, audit, time, ct);

    /// <summary>The upload with the body read by <paramref name="receive"/> (the request body, or a form's file in the console).</summary>
    internal static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> UploadArtifactAsync(
        string app, string version, string name, HttpContext http, Func<Guid, Task<BlobUpload>> receive, AppAccess apps, GatehouseDb db, AuditLog audit,
        TimeProvider time, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Problems.Forbidden("only members of the vendor organisation upload artifacts");
        if (v.State is not (VersionStates.Draft or VersionStates.ChangesRequested))
            return InvalidTransition(v, "upload an artifact");
        if (UploadNames.Problem(name) is { } badName) return Problems.Invalid(badName);
        var fileName = UploadNames.Sanitize(name, $"{row.Slug}-{v.Version}");
        var upload = await receive(row.OrganizationId);
        if (upload.Problem is not null) return upload.Problem;
        var blob = upload.Blob!;
        v.ArtifactDigest = blob.Digest;
        v.ArtifactSize = blob.Length;
        v.ArtifactName = fileName;
        ClearAttestation(v); // the attestation covered the previous artifact
        v.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.VersionArtifactUploaded, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, digest = blob.Digest, size = blob.Length, name = fileName, originalName = fileName == name ? null : name }), ct);
        return TypedResults.Ok(VersionInfo.From(row, v));
    }

    /// <summary>Answers (<c>{questionId: answer}</c>) are scored at once against the app type's current questionnaire.</summary>
    public static Task<Results<Ok<QuestionnaireResult>, ProblemHttpResult>> Answer(
        string app, string version, HttpContext http, AppAccess apps, GatehouseDb db, AuditLog audit, TimeProvider time, CancellationToken ct) =>
        AnswerAsync(app, version, http, () => QuestionnaireAnswers.ReadAsync(http.Request.Body, ct), apps, db, audit, time, ct);

    /// <summary>The answers with the body read by <paramref name="read"/> (the request body, or the console's form).</summary>
    internal static async Task<Results<Ok<QuestionnaireResult>, ProblemHttpResult>> AnswerAsync(
        string app, string version, HttpContext http, Func<Task<IReadOnlyDictionary<string, string>>> read, AppAccess apps, GatehouseDb db,
        AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Problems.Forbidden("only members of the vendor organisation answer the questionnaire");
        if (v.State is not (VersionStates.Draft or VersionStates.ChangesRequested)) return InvalidTransition(v, "change answers");
        IReadOnlyDictionary<string, string> answers;
        try
        {
            answers = await read();
        }
        catch (AnswersFormatException ex)
        {
            return Problems.Invalid($"answers: {ex.Message}");
        }
        var questionnaire = QuestionnaireSet.LoadEmbedded().Get(row.Type);
        var result = QuestionnaireScorer.Score(questionnaire, answers);
        v.QuestionnaireVersion = result.QuestionnaireVersion;
        v.AnswersJson = JsonSerializer.Serialize(answers);
        v.QuestionnaireResult = QuestionNames.Of(result.Score);
        v.QuestionnaireScoreJson = JsonSerializer.Serialize(result, ScoreJson);
        ClearAttestation(v);
        v.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.VersionAnswered, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, questionnaire = result.QuestionnaireVersion, result = v.QuestionnaireResult }), ct);
        return TypedResults.Ok(result);
    }

    private static readonly JsonSerializerOptions ScoreJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>A named person attests, for the organisation, that the version meets the requirements (the statement's hash is kept).</summary>
    public static async Task<Results<Ok<AttestationInfo>, ProblemHttpResult>> Attest(
        string app, string version, AttestRequest request, HttpContext http, AppAccess apps, GatehouseDb db, AuditLog audit,
        TimeProvider time, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Problems.Forbidden("only members of the vendor organisation attest");
        if (v.State is not (VersionStates.Draft or VersionStates.ChangesRequested)) return InvalidTransition(v, "attest");
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 200 || name.Any(char.IsControl))
            return Problems.Invalid("name is required: the full name and role of the person who attests (at most 200 characters)");
        if (request.Accept != true) return Problems.Invalid("accept must be true: the statement is attested only when accepted");
        var org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == row.OrganizationId, ct);
        var catalog = RequirementCatalog.LoadEmbedded();
        var statement = Statement(name, org.Name, row, v, catalog.Version);
        v.AttestationName = name;
        v.AttestedBy = http.User.Id();
        v.AttestedAt = time.GetUtcNow();
        v.AttestationSha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(statement)));
        v.CatalogVersion = catalog.Version;
        v.UpdatedAt = v.AttestedAt.Value;
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.VersionAttested, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, name, sha256 = v.AttestationSha256 }), ct);
        return TypedResults.Ok(new AttestationInfo(name, statement, v.AttestationSha256, v.AttestedAt.Value, catalog.Version));
    }

    /// <summary>The statement a person attests to; it names the artifact, the answers and the catalogue version.</summary>
    public static string Statement(string name, string org, App app, AppVersion v, string catalogVersion) =>
        $"I, {name}, attest on behalf of {org} that version {v.Version} of {app.Name} ({app.Slug}, {app.Type}) meets every " +
        $"Gatehouse security requirement that applies to it (catalogue {catalogVersion}), that the questionnaire answers " +
        $"(questionnaire version {v.QuestionnaireVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}) are true, " +
        $"and that the submitted artifact {v.ArtifactDigest ?? v.Reference ?? "(none)"} is the one that will be distributed.";

    /// <summary>Every lifecycle action after creation: submit, approve, request-changes, reject, rescan, publish, quarantine, suspend, reinstate, delist.</summary>
    public static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> Act(
        string app, string version, ActionRequest request, HttpContext http, AppAccess apps, VersionWorkflow workflow, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        var caller = await apps.CallerAsync(http, row, ct);
        if (caller is null) return Problems.Forbidden("only the vendor organisation's members and staff act on versions");
        var action = request.Action ?? "";
        if (!Lifecycle.Moves.Any(m => m.Action == action && m.By != Actor.System))
            return Problems.Invalid($"action must be one of: {string.Join(", ", Lifecycle.Moves.Where(m => m.By != Actor.System).Select(m => m.Action).Distinct())}");
        var reasons = request.ReasonCodes ?? [];
        if (reasons.Count > 20 || reasons.Any(r => !IsKnownReason(r)))
            return Problems.Invalid("reasonCodes must be requirement IDs (GH-…), rule IDs (gatehouse rules) or lifecycle codes (docs/lifecycle.md), at most 20");
        if (request.Text is { Length: > 4000 }) return Problems.Invalid("text must be at most 4000 characters");

        // A member who is also staff asks for a staff decision on their own organisation's version: protective
        // decisions (quarantine, suspend, ...) go ahead as staff, permissive ones are a conflict of interest.
        if (caller.As == Actor.Vendor && Lifecycle.Find(action, v.State, Actor.Vendor) is null
            && Lifecycle.Find(action, v.State, Actor.Staff) is not null && await apps.ActsAsStaffAsync(http.User))
        {
            if (Apps.ConflictOfInterest.Blocks(action)) return ConflictOfInterest();
            caller = caller with { As = Actor.Staff };
        }

        // A vendor asking for a staff decision is refused as such, not as a wrong state.
        if (caller.As == Actor.Vendor && Lifecycle.Find(action, v.State, Actor.Vendor) is null && Lifecycle.Find(action, v.State, Actor.Staff) is not null)
            return Problems.Forbidden($"only reviewers may {action}");

        var outcome = await workflow.RequestAsync(row, v, action, caller, reasons, request.Text, ct);
        return outcome.Status switch
        {
            TransitionStatus.Done => TypedResults.Ok(VersionInfo.From(row, outcome.Version)),
            TransitionStatus.NotAllowed => InvalidTransition(v, action),
            TransitionStatus.ConflictOfInterest => ConflictOfInterest(),
            TransitionStatus.Raced => Problems.Conflict("the version changed at the same time; read it again"),
            _ => Problems.Of(409, ProblemCodes.LifecycleGuardFailed, "A guard of this transition did not hold",
                string.Join("; ", outcome.Failures.Select(f => $"{f.Code}: {f.Message}")),
                new Dictionary<string, object?> { ["guards"] = outcome.Failures }),
        };
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
        string app, string version, ClaimsPrincipal user, AppAccess apps, GatehouseDb db, VersionFindings findings, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(user, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        var scan = v.CurrentScanId is { } sid ? await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, ct) : null;
        if (scan is null) return Problems.Conflict("the version has not been scanned");
        var effective = await findings.EffectiveAsync(row, v, scan, ct);
        return TypedResults.Ok(new VersionFindingsInfo(scan.Id, scan.Verdict, effective.Verdict, effective.RiskScore,
            effective.Findings.Select(j => new VersionFindingInfo(j.Finding.RuleId, j.Finding.Severity, j.Finding.Path, j.Finding.Message,
                j.Finding.Fingerprint, j.Finding.RequirementId, j.Finding.Evidence, j.Finding.Line,
                j.SuppressedBy is null ? null : new SuppressedInfo(j.SuppressedBy.Id, j.SuppressedBy.ExpiresAt!.Value, j.SuppressedBy.Justification))).ToList()));
    }

    internal static ProblemHttpResult InvalidTransition(AppVersion v, string action) =>
        Problems.Of(409, ProblemCodes.LifecycleInvalidTransition, "Not allowed in this state",
            $"cannot {action} a version that is {v.State}", new Dictionary<string, object?> { ["state"] = v.State });

    internal static ProblemHttpResult ConflictOfInterest() =>
        Problems.Of(403, ProblemCodes.ConflictOfInterest, "Conflict of interest",
            "staff cannot take a permissive decision (approve, publish, reinstate, ...) on an organisation they belong to; protective ones (quarantine, suspend, ...) stay open");

    private static void ClearAttestation(AppVersion v)
    {
        v.AttestedAt = null;
        v.AttestedBy = null;
        v.AttestationName = null;
        v.AttestationSha256 = null;
    }

    private static bool IsHttpsUrl(string s) =>
        s.Length <= 2000 && Uri.TryCreate(s, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(u.UserInfo);

    private static readonly Lazy<HashSet<string>> RuleIds = new(() =>
        Gatehouse.Analysis.Analyzers.AnalyzerCatalog.AllRules().Select(r => r.Id).ToHashSet(StringComparer.Ordinal));

    /// <summary>Requirement IDs, engine rule IDs and lifecycle codes.</summary>
    internal static bool IsKnownReason(string code) =>
        RequirementCatalog.LoadEmbedded().Find(code) is not null || RuleIds.Value.Contains(code) || ReasonCodes.Lifecycle.Contains(code);
}

/// <summary>Reason codes a decision may carry besides requirement and rule IDs.</summary>
public static class ReasonCodes
{
    public static readonly IReadOnlySet<string> Lifecycle = new HashSet<string>(StringComparer.Ordinal)
    {
        VersionWorkflow.Guards.AgreementNotAccepted, VersionWorkflow.Guards.EvidenceMissing, VersionWorkflow.Guards.QuestionnaireFail,
        VersionWorkflow.Guards.ScanIncomplete, VersionWorkflow.Guards.ScanBlocking, "scan.not-applicable",
        "review.functional-failure", "review.misleading-listing", "review.policy-violation", "review.vendor-request",
        "review.security-incident", "review.other",
    };
}

public sealed record CreateAppRequest(string? Slug, string? Name, string? Type, string? Tier, string? BaseUrl);
/// <param name="Endpoints">Web integrations: declared endpoints the probe checks (at most 50; paths starting with "/" or https URLs on the reference's host).</param>
public sealed record CreateVersionRequest(string? Version, string? Reference, IReadOnlyList<string?>? Endpoints = null);
public sealed record AttestRequest(string? Name, bool? Accept);
public sealed record ActionRequest(string? Action, IReadOnlyList<string>? ReasonCodes, string? Text);

public sealed record AppInfo(Guid Id, Guid OrganizationId, string Slug, string Name, string Type, string Tier, string? BaseUrl, DateTimeOffset CreatedAt)
{
    public static AppInfo From(App a) => new(a.Id, a.OrganizationId, a.Slug, a.Name, a.Type, a.Tier, a.BaseUrl, a.CreatedAt);
}

public sealed record VersionInfo(
    Guid Id, string App, string Version, string State, string? ArtifactDigest, string? ArtifactName, long ArtifactSize, string? Reference,
    int? QuestionnaireVersion, string? QuestionnaireResult, string? AttestationName, DateTimeOffset? AttestedAt,
    string? CatalogVersion, int? PolicyVersion, Guid? CurrentScanId, int IncompleteScans, DateTimeOffset? NextScanAttemptAt,
    DateTimeOffset? SubmittedAt, DateTimeOffset? SlaDueAt, string? AssignedReviewerId, DateTimeOffset? DecidedAt,
    DateTimeOffset? PublishedAt, DateTimeOffset? LastScannedAt, DateTimeOffset? NextRescanAt, DateTimeOffset CreatedAt,
    IReadOnlyList<string>? Endpoints = null, DateTimeOffset? NextProbeAt = null)
{
    public static VersionInfo From(App a, AppVersion v) => new(v.Id, a.Slug, v.Version, v.State, v.ArtifactDigest, v.ArtifactName, v.ArtifactSize,
        v.Reference, v.QuestionnaireVersion, v.QuestionnaireResult, v.AttestationName, v.AttestedAt, v.CatalogVersion, v.PolicyVersion,
        v.CurrentScanId, v.IncompleteScans, v.NextScanAttemptAt, v.SubmittedAt, v.SlaDueAt, v.AssignedReviewerId, v.DecidedAt,
        v.PublishedAt, v.LastScannedAt, v.NextRescanAt, v.CreatedAt, v.EndpointsJson is null ? null : Probes.ProbeEndpoints.Parse(v.EndpointsJson), v.NextProbeAt);
}

public sealed record VersionScanInfo(Guid Id, string State, string? Verdict, string? EffectiveVerdict, int Findings, int Suppressed,
    IReadOnlyList<string> Blocking, int RiskScore, DateTimeOffset? CompletedAt, string? Error);
public sealed record VersionDetail(VersionInfo Version, VersionScanInfo? Scan, JsonElement? Questionnaire, IReadOnlyList<GuardFailure> SubmissionBlockers);
public sealed record AttestationInfo(string Name, string Statement, string Sha256, DateTimeOffset AttestedAt, string CatalogVersion);
public sealed record TransitionInfo(string From, string To, string Action, IReadOnlyList<string> ReasonCodes, string? Text, string Actor, DateTimeOffset At);
public sealed record SuppressedInfo(Guid SuppressionId, DateTimeOffset ExpiresAt, string Justification);
public sealed record VersionFindingInfo(string RuleId, string Severity, string Path, string Message, string Fingerprint, string? RequirementId,
    string? Evidence, int? Line, SuppressedInfo? Suppressed);
public sealed record VersionFindingsInfo(Guid ScanId, string? Verdict, string EffectiveVerdict, int RiskScore, IReadOnlyList<VersionFindingInfo> Findings);
