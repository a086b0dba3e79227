using System.Globalization;
using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Evidence;

/// <summary>
/// The evidence vault: an organisation uploads certifications and reports, the engine checks each
/// file, staff verify or reject it, and expiry is tracked (<see cref="EvidenceExpiryHandler"/>).
/// Evidence is never public: every route needs a signed-in caller who may see the organisation,
/// and anything else answers 404.
/// </summary>
public static class EvidenceApi
{
    public const int MaxIssuerLength = 200;
    public const int MaxScopeLength = 1000;
    public const int MaxNameLength = 255;
    public const int MaxNoteLength = 2000;

    /// <summary>Accepted forms of <c>validFrom</c> / <c>validUntil</c> (ISO 8601; without an offset the time is UTC).</summary>
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static IEndpointRouteBuilder MapEvidenceApi(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/orgs/{orgId:guid}/evidence").WithTags("Evidence");
        orgs.MapPost("/", Upload).RequireAuthorization(Policies.Write)
            .Accepts<Stream>("application/octet-stream").DisableAntiforgery().WithName("UploadEvidence").WithSummary("Upload an evidence document for an organisation.");
        orgs.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListEvidence").WithSummary("List an organisation's evidence.");
        var items = app.MapGroup("/api/evidence/{evidenceId:guid}").WithTags("Evidence");
        items.MapGet("/", Get).RequireAuthorization(Policies.Read).WithName("GetEvidence").WithSummary("Get an evidence item.");
        items.MapGet("/file", Download).RequireAuthorization(Policies.Read).WithName("DownloadEvidence").WithSummary("Download an evidence item's file.");
        items.MapPost("/verify", Verify).RequireAuthorization(Policies.Staff).WithName("VerifyEvidence").WithSummary("Mark an evidence item as verified.");
        items.MapPost("/reject", Reject).RequireAuthorization(Policies.Staff).WithName("RejectEvidence").WithSummary("Reject an evidence item.");
        return app;
    }

    /// <summary>
    /// The raw request body is the file (streamed into the blob store, never buffered whole); the
    /// fields come in the query. The item starts <c>scanning</c>: the engine checks the file first.
    /// </summary>
    public static async Task<Results<Accepted<EvidenceInfo>, ProblemHttpResult>> Upload(
        Guid orgId, HttpContext http, OrgAccess access, GatehouseDb db, IBlobStore blobs, ScanStarter starter,
        ListingPolicies listing, AuditLog audit, TimeProvider time, IOptions<EvidenceOptions> options, CancellationToken ct,
        string? type = null, string? issuer = null, string? scope = null, string? validFrom = null, string? validUntil = null,
        string? name = null)
    {
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Problems.NotFound("Organization");
        var uid = http.User.Id();
        if (!await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == uid, ct))
            return Problems.Forbidden("only members of the organisation upload its evidence");
        var error = Validate(type, issuer, scope, validFrom, validUntil, name, out var from, out var until);
        if (error is not null) return Problems.Invalid(error);

        return await UploadAsync(orgId, http, db, starter, listing, audit, time, type!, issuer!, scope!, from, until, name!,
            () => BlobUploads.ReceiveAsync(http, orgId, blobs, options.Value.MaxUploadBytes, "file", "Evidence:MaxUploadBytes", ct), ct);
    }

    /// <summary>
    /// The upload after the checks of <see cref="Upload"/> (membership, fields), with the file from
    /// <paramref name="receive"/>: the request body for the API, a form's file for the console.
    /// </summary>
    internal static async Task<Results<Accepted<EvidenceInfo>, ProblemHttpResult>> UploadAsync(
        Guid orgId, HttpContext http, GatehouseDb db, ScanStarter starter, ListingPolicies listing, AuditLog audit, TimeProvider time,
        string type, string issuer, string scope, DateTimeOffset from, DateTimeOffset until, string name,
        Func<Task<BlobUpload>> receive, CancellationToken ct)
    {
        var uid = http.User.Id();
        var fileName = UploadNames.Sanitize(name, "evidence");
        var upload = await receive();
        if (upload.Problem is not null) return upload.Problem;
        var blob = upload.Blob!;

        var now = time.GetUtcNow();
        var item = new EvidenceItem
        {
            Id = Guid.CreateVersion7(now), OrganizationId = orgId, Type = type, Issuer = issuer.Trim(), Scope = scope.Trim(),
            ValidFrom = from, ValidUntil = until, BlobDigest = blob.Digest, FileName = fileName, Size = blob.Length,
            Status = EvidenceStatus.Scanning, UploadedBy = uid, UploadedAt = now,
        };
        db.EvidenceItems.Add(item);
        await db.SaveChangesAsync(ct);
        // The row exists before its scan, so the scan's completion always finds it.
        var scan = await starter.StartAsync(new ScanRequest(orgId, uid, blob.Digest, blob.Length, item.FileName, "downloadable",
            ScanPurposes.Evidence, item.Id), ct);
        await db.EvidenceItems.Where(e => e.Id == item.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ScanId, scan.Id), ct);
        item.ScanId = scan.Id;
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.EvidenceSubmitted, orgId.ToString(), item.Id.ToString(),
            new { item.Type, item.Issuer, validFrom = item.ValidFrom, validUntil = item.ValidUntil, digest = blob.Digest, size = blob.Length, scanId = scan.Id,
                name = fileName, originalName = fileName == name ? null : name }), ct);
        var warningDays = (await listing.CurrentAsync(ct)).Policy.EvidenceExpiryWarningDays;
        return TypedResults.Accepted($"/api/evidence/{item.Id}", EvidenceInfo.From(item, now, warningDays));
    }

    public static async Task<Results<Ok<List<EvidenceInfo>>, ProblemHttpResult>> List(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, ListingPolicies listing, TimeProvider time, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        var rows = await db.EvidenceItems.AsNoTracking().Where(e => e.OrganizationId == orgId).ToListAsync(ct);
        var now = time.GetUtcNow();
        var warningDays = (await listing.CurrentAsync(ct)).Policy.EvidenceExpiryWarningDays;
        return TypedResults.Ok(rows.OrderByDescending(e => e.UploadedAt).ThenBy(e => e.Id).Select(e => EvidenceInfo.From(e, now, warningDays)).ToList());
    }

    public static async Task<Results<Ok<EvidenceInfo>, ProblemHttpResult>> Get(
        Guid evidenceId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, ListingPolicies listing, TimeProvider time, CancellationToken ct)
    {
        var item = await VisibleAsync(evidenceId, user, access, db, ct);
        if (item is null) return Problems.NotFound("Evidence");
        var warningDays = (await listing.CurrentAsync(ct)).Policy.EvidenceExpiryWarningDays;
        return TypedResults.Ok(EvidenceInfo.From(item, time.GetUtcNow(), warningDays));
    }

    /// <summary>
    /// The file, for the organisation's members and staff, always as a download (never rendered by the
    /// browser). Not while the file check runs, and never for a file the check blocked.
    /// </summary>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        Guid evidenceId, HttpContext http, OrgAccess access, GatehouseDb db, IBlobStore blobs, CancellationToken ct)
    {
        var item = await VisibleAsync(evidenceId, http.User, access, db, ct);
        if (item is null) return Problems.NotFound("Evidence");
        if (item.Status is EvidenceStatus.Scanning or EvidenceStatus.Blocked)
            return Problems.Conflict(item.Status == EvidenceStatus.Scanning
                ? "the file is still being checked"
                : "the file check blocked this file; it is not served (see the scan's findings)");
        var stream = await blobs.OpenReadAsync(item.BlobDigest, ct);
        if (stream is null) return Problems.NotFound("Evidence file");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Stream(stream, "application/octet-stream", item.FileName);
    }

    public static Task<Results<Ok<EvidenceInfo>, ProblemHttpResult>> Verify(
        Guid evidenceId, ReviewEvidenceRequest? request, HttpContext http, GatehouseDb db, Notifier notifier, ListingPolicies listing,
        AuditLog audit, TimeProvider time, CancellationToken ct) =>
        DecideAsync(evidenceId, EvidenceStatus.Verified, request?.Note, noteRequired: false, http, db, notifier, listing, audit, time, ct);

    public static Task<Results<Ok<EvidenceInfo>, ProblemHttpResult>> Reject(
        Guid evidenceId, ReviewEvidenceRequest? request, HttpContext http, GatehouseDb db, Notifier notifier, ListingPolicies listing,
        AuditLog audit, TimeProvider time, CancellationToken ct) =>
        DecideAsync(evidenceId, EvidenceStatus.Rejected, request?.Note, noteRequired: true, http, db, notifier, listing, audit, time, ct);

    /// <summary>
    /// A reviewer's decision: only on an item waiting for review, never by a member of the organisation
    /// (or its uploader), and only once (a conditional update, so two reviewers cannot both decide).
    /// </summary>
    private static async Task<Results<Ok<EvidenceInfo>, ProblemHttpResult>> DecideAsync(
        Guid evidenceId, string to, string? note, bool noteRequired, HttpContext http, GatehouseDb db, Notifier notifier,
        ListingPolicies listing, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        // Staff see every organisation (OrgAccess), so existence is all that is left to check here.
        var item = await db.EvidenceItems.AsNoTracking().FirstOrDefaultAsync(e => e.Id == evidenceId, ct);
        if (item is null) return Problems.NotFound("Evidence");
        var uid = http.User.Id();
        var decision = to == EvidenceStatus.Rejected ? Apps.ConflictOfInterest.Decisions.RejectEvidence : Apps.ConflictOfInterest.Decisions.VerifyEvidence;
        if (Apps.ConflictOfInterest.Blocks(decision)
            && (item.UploadedBy == uid || await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == item.OrganizationId && m.UserId == uid, ct)))
            return Problems.Of(StatusCodes.Status403Forbidden, ProblemCodes.ConflictOfInterest, "Conflict of interest",
                "a member of the organisation (or the uploader) cannot review its evidence; another reviewer must");
        note = note?.Trim();
        if (noteRequired && string.IsNullOrEmpty(note)) return Problems.Invalid("note is required: say why the evidence is rejected");
        if (note is { Length: > MaxNoteLength } || note?.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) == true)
            return Problems.Invalid($"note: at most {MaxNoteLength} characters, no control characters other than line breaks");
        if (item.Status != EvidenceStatus.PendingReview)
            return Problems.Conflict($"the evidence is {item.Status}; only evidence that is pending-review can be verified or rejected");

        var now = time.GetUtcNow();
        var note2 = string.IsNullOrEmpty(note) ? null : note;
        var changed = await db.EvidenceItems.Where(e => e.Id == evidenceId && e.Status == EvidenceStatus.PendingReview)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, to)
                .SetProperty(e => e.ReviewedBy, uid)
                .SetProperty(e => e.ReviewedAt, now)
                .SetProperty(e => e.ReviewNote, note2), ct);
        if (changed == 0) return Problems.Conflict("another reviewer decided first");
        item.Status = to;
        item.ReviewedBy = uid;
        item.ReviewedAt = now;
        item.ReviewNote = note2;
        await audit.AppendAsync(AuditEvent.By(http, to == EvidenceStatus.Verified ? AuditActions.EvidenceVerified : AuditActions.EvidenceRejected,
            item.OrganizationId.ToString(), item.Id.ToString(), new { item.Type, note = note2 }), ct);
        await notifier.OrganizationAsync(item.OrganizationId, to == EvidenceStatus.Verified ? "evidence.verified" : "evidence.rejected",
            new { evidenceId = item.Id, item.Type, item.Issuer, note = note2 }, ct);
        var warningDays = (await listing.CurrentAsync(ct)).Policy.EvidenceExpiryWarningDays;
        return TypedResults.Ok(EvidenceInfo.From(item, now, warningDays));
    }

    private static async Task<EvidenceItem?> VisibleAsync(Guid evidenceId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        var item = await db.EvidenceItems.AsNoTracking().FirstOrDefaultAsync(e => e.Id == evidenceId, ct);
        return item is not null && await access.CanSeeAsync(user, item.OrganizationId, ct) ? item : null;
    }

    /// <summary>Checks the upload's fields; returns what is wrong, or null.</summary>
    internal static string? Validate(string? type, string? issuer, string? scope, string? validFrom, string? validUntil, string? name,
        out DateTimeOffset from, out DateTimeOffset until)
    {
        from = until = default;
        if (type is null || !EvidenceTypes.All.Contains(type)) return $"type must be one of: {string.Join(", ", EvidenceTypes.All)}";
        if (!Text(issuer, MaxIssuerLength)) return $"issuer is required: who issued it, at most {MaxIssuerLength} characters, no control characters";
        if (!Text(scope, MaxScopeLength)) return $"scope is required: what it covers, at most {MaxScopeLength} characters, no control characters";
        if (UploadNames.Problem(name) is { } badName) return badName;
        if (!Date(validFrom, out from)) return "validFrom must be an ISO 8601 date or date-time (2026-01-31, 2026-01-31T00:00:00Z)";
        if (!Date(validUntil, out until)) return "validUntil must be an ISO 8601 date or date-time (2027-01-31, 2027-01-31T00:00:00Z)";
        if (until <= from) return "validUntil must be after validFrom";
        return null;

        static bool Text(string? s, int max) => !string.IsNullOrWhiteSpace(s) && s.Trim().Length <= max && !s.Any(char.IsControl);
        static bool Date(string? s, out DateTimeOffset value)
        {
            value = default;
            if (string.IsNullOrEmpty(s) || s.Length > 40) return false;
            if (!DateTimeOffset.TryParseExact(s, DateFormats, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)) return false;
            return value.Year is >= 1970 and <= 2200;
        }
    }
}

public sealed record ReviewEvidenceRequest(string? Note);

/// <summary>How an item's dates stand today (independent of its review status).</summary>
public static class EvidenceValidity
{
    public const string Valid = "valid";
    /// <summary>Valid, but ends within the listing policy's <c>evidenceExpiryWarningDays</c>.</summary>
    public const string Expiring = "expiring";
    public const string Expired = "expired";
    public const string NotYetValid = "not-yet-valid";

    public static string Of(EvidenceItem item, DateTimeOffset now, int warningDays)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (now < item.ValidFrom) return NotYetValid;
        if (now >= item.ValidUntil) return Expired;
        return item.ValidUntil <= now.AddDays(warningDays) ? Expiring : Valid;
    }
}

/// <param name="Note">The reviewer's note; for <c>blocked</c> items, why the file check blocked it.</param>
public sealed record EvidenceInfo(
    Guid Id, Guid OrganizationId, string Type, string Issuer, string Scope, DateTimeOffset ValidFrom, DateTimeOffset ValidUntil,
    string Validity, string Status, string FileName, long Size, string Digest, Guid? ScanId, string UploadedBy, DateTimeOffset UploadedAt,
    string? ReviewedBy, DateTimeOffset? ReviewedAt, string? Note, DateTimeOffset? ExpiryWarnedAt, DateTimeOffset? ExpiredNotifiedAt)
{
    public static EvidenceInfo From(EvidenceItem e, DateTimeOffset now, int warningDays) => new(
        e.Id, e.OrganizationId, e.Type, e.Issuer, e.Scope, e.ValidFrom, e.ValidUntil, EvidenceValidity.Of(e, now, warningDays), e.Status,
        e.FileName, e.Size, e.BlobDigest, e.ScanId, e.UploadedBy, e.UploadedAt, e.ReviewedBy, e.ReviewedAt, e.ReviewNote,
        e.ExpiryWarnedAt, e.ExpiredNotifiedAt);
}
