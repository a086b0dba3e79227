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
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Evidence;

/// <summary>
/// The evidence vault's rules: who uploads an organisation's evidence and with which fields, that the engine checks
/// every file first, who may see an item or its file, and how a reviewer verifies or rejects it (never a member of the
/// organisation, only once). Evidence is never public: an item the caller may not see is "not found". The API and
/// the console both call it.
/// </summary>
public sealed class EvidenceVault(OrgAccess orgs, GatehouseDb db, IBlobStore blobs, ScanStarter starter, ListingPolicies listing,
    AuditLog audit, Notifier notifier, TimeProvider time)
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

    /// <summary>
    /// An upload as the API takes it: the organisation is visible to the caller, the caller is a member, the fields are
    /// valid; only then is the file read by <paramref name="receive"/> (the request body) and stored (<see cref="StoreAsync"/>).
    /// </summary>
    public async Task<Outcome<EvidenceInfo>> UploadAsync(HttpContext http, Guid orgId, EvidenceFields fields, Func<Task<BlobUpload>> receive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(fields);
        if (!await orgs.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        if (!await IsMemberAsync(http.User, orgId, ct)) return Refusal.Forbidden("only members of the organisation upload its evidence");
        var error = Validate(fields.Type, fields.Issuer, fields.Scope, fields.ValidFrom, fields.ValidUntil, fields.Name, out var from, out var until);
        if (error is not null) return Refusal.Invalid(error);
        return await StoreAsync(http, orgId, fields.Type!, fields.Issuer!, fields.Scope!, from, until, fields.Name!, receive, ct);
    }

    /// <summary>True when the caller is a member of the organisation (only members upload its evidence).</summary>
    public Task<bool> IsMemberAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        var uid = user.Id();
        return db.OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == uid, ct);
    }

    /// <summary>
    /// Stores an upload whose caller and fields are checked (<see cref="UploadAsync"/>, or the console's form), with the
    /// file from <paramref name="receive"/>. The item starts <c>scanning</c>: the engine checks the file first.
    /// </summary>
    public async Task<Outcome<EvidenceInfo>> StoreAsync(HttpContext http, Guid orgId, string type, string issuer, string scope,
        DateTimeOffset from, DateTimeOffset until, string name, Func<Task<BlobUpload>> receive, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(receive);
        var uid = http.User.Id();
        var fileName = UploadNames.Sanitize(name, "evidence");
        var upload = await receive();
        if (upload.Problem is not null) return Refusal.From(upload.Problem);
        var blob = upload.Blob!;

        var now = time.GetUtcNow();
        var item = new EvidenceItem
        {
            Id = Guid.CreateVersion7(now), OrganizationId = orgId, Type = type, Issuer = issuer.Trim(), Scope = scope.Trim(),
            ValidFrom = from, ValidUntil = until, BlobDigest = blob.Digest, FileName = fileName, Size = blob.Length,
            Status = EvidenceStatus.Scanning, UploadedBy = uid, UploadedAt = now,
        };
        db.EvidenceItems.Add(item);
        // The item, its scan, the scan's work item and the audit entry commit together (the work runs after the commit,
        // so the scan's completion always finds the item).
        var scan = starter.Add(new ScanRequest(orgId, uid, blob.Digest, blob.Length, item.FileName, "downloadable",
            ScanPurposes.Evidence, item.Id));
        item.ScanId = scan.Id;
        audit.Record(db, AuditEvent.By(http, AuditActions.EvidenceSubmitted, orgId.ToString(), item.Id.ToString(),
            new { item.Type, item.Issuer, validFrom = item.ValidFrom, validUntil = item.ValidUntil, digest = blob.Digest, size = blob.Length, scanId = scan.Id,
                name = fileName, originalName = fileName == name ? null : name }));
        await db.SaveChangesAsync(ct);
        return EvidenceInfo.From(item, now, await WarningDaysAsync(ct));
    }

    /// <summary>The organisation's evidence, newest first.</summary>
    public async Task<Outcome<List<EvidenceInfo>>> ListAsync(ClaimsPrincipal user, Guid orgId, CancellationToken ct)
    {
        if (!await orgs.CanSeeAsync(user, orgId, ct)) return Refusal.NotFound("Organization");
        var rows = await db.EvidenceItems.AsNoTracking().Where(e => e.OrganizationId == orgId).ToListAsync(ct);
        var now = time.GetUtcNow();
        var warningDays = await WarningDaysAsync(ct);
        return rows.OrderByDescending(e => e.UploadedAt).ThenBy(e => e.Id).Select(e => EvidenceInfo.From(e, now, warningDays)).ToList();
    }

    public async Task<Outcome<EvidenceInfo>> GetAsync(ClaimsPrincipal user, Guid evidenceId, CancellationToken ct)
    {
        var item = await VisibleAsync(evidenceId, user, ct);
        if (item is null) return Refusal.NotFound("Evidence");
        return EvidenceInfo.From(item, time.GetUtcNow(), await WarningDaysAsync(ct));
    }

    /// <summary>
    /// The file, for the organisation's members and staff. Not while the file check runs, and never for a file the
    /// check blocked.
    /// </summary>
    public async Task<Outcome<EvidenceFile>> OpenFileAsync(ClaimsPrincipal user, Guid evidenceId, CancellationToken ct)
    {
        var item = await VisibleAsync(evidenceId, user, ct);
        if (item is null) return Refusal.NotFound("Evidence");
        if (item.Status is EvidenceStatus.Scanning or EvidenceStatus.Blocked)
            return Refusal.Conflict(item.Status == EvidenceStatus.Scanning
                ? "the file is still being checked"
                : "the file check blocked this file; it is not served (see the scan's findings)");
        var stream = await blobs.OpenReadAsync(item.BlobDigest, ct);
        if (stream is null) return Refusal.NotFound("Evidence file");
        return new EvidenceFile(stream, item.FileName);
    }

    /// <summary>A reviewer verifies the item (a note is optional).</summary>
    public Task<Outcome<EvidenceInfo>> VerifyAsync(HttpContext http, Guid evidenceId, string? note, CancellationToken ct) =>
        DecideAsync(http, evidenceId, EvidenceStatus.Verified, note, noteRequired: false, ct);

    /// <summary>A reviewer rejects the item, saying why.</summary>
    public Task<Outcome<EvidenceInfo>> RejectAsync(HttpContext http, Guid evidenceId, string? note, CancellationToken ct) =>
        DecideAsync(http, evidenceId, EvidenceStatus.Rejected, note, noteRequired: true, ct);

    /// <summary>
    /// A reviewer's decision: only on an item waiting for review, never by a member of the organisation
    /// (or its uploader), and only once (a conditional update, so two reviewers cannot both decide).
    /// </summary>
    private async Task<Outcome<EvidenceInfo>> DecideAsync(HttpContext http, Guid evidenceId, string to, string? note, bool noteRequired, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        // Staff see every organisation (OrgAccess), so existence is all that is left to check here.
        var item = await db.EvidenceItems.AsNoTracking().FirstOrDefaultAsync(e => e.Id == evidenceId, ct);
        if (item is null) return Refusal.NotFound("Evidence");
        var uid = http.User.Id();
        var decision = to == EvidenceStatus.Rejected ? Apps.ConflictOfInterest.Decisions.RejectEvidence : Apps.ConflictOfInterest.Decisions.VerifyEvidence;
        if (Apps.ConflictOfInterest.Blocks(decision)
            && (item.UploadedBy == uid || await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == item.OrganizationId && m.UserId == uid, ct)))
            return new Refusal(StatusCodes.Status403Forbidden, ProblemCodes.ConflictOfInterest, "Conflict of interest",
                "a member of the organisation (or the uploader) cannot review its evidence; another reviewer must");
        if (NoteProblem(note, noteRequired) is { } badNote) return Refusal.Invalid(badNote);
        note = note?.Trim();
        if (item.Status != EvidenceStatus.PendingReview)
            return Refusal.Conflict($"the evidence is {item.Status}; only evidence that is pending-review can be verified or rejected");

        var now = time.GetUtcNow();
        var note2 = string.IsNullOrEmpty(note) ? null : note;
        // The decision, its audit entry and the organisation's notice commit together.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.EvidenceItems.Where(e => e.Id == evidenceId && e.Status == EvidenceStatus.PendingReview)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, to)
                .SetProperty(e => e.ReviewedBy, uid)
                .SetProperty(e => e.ReviewedAt, now)
                .SetProperty(e => e.ReviewNote, note2), ct);
        if (changed == 0) return Refusal.Conflict("another reviewer decided first");
        item.Status = to;
        item.ReviewedBy = uid;
        item.ReviewedAt = now;
        item.ReviewNote = note2;
        audit.Record(db, AuditEvent.By(http, to == EvidenceStatus.Verified ? AuditActions.EvidenceVerified : AuditActions.EvidenceRejected,
            item.OrganizationId.ToString(), item.Id.ToString(), new { item.Type, note = note2 }));
        await notifier.QueueForOrganizationAsync(item.OrganizationId, to == EvidenceStatus.Verified ? "evidence.verified" : "evidence.rejected",
            new { evidenceId = item.Id, item.Type, item.Issuer, note = note2 }, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return EvidenceInfo.From(item, now, await WarningDaysAsync(ct));
    }

    /// <summary>What is wrong with a reviewer's note, or null: required to reject, at most <see cref="MaxNoteLength"/>
    /// characters, no control characters other than line breaks and tabs.</summary>
    public static string? NoteProblem(string? note, bool required)
    {
        note = note?.Trim();
        if (required && string.IsNullOrEmpty(note)) return "note is required: say why the evidence is rejected";
        if (note is { Length: > MaxNoteLength } || note?.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) == true)
            return $"note: at most {MaxNoteLength} characters, no control characters other than line breaks";
        return null;
    }

    private async Task<int> WarningDaysAsync(CancellationToken ct) => (await listing.CurrentAsync(ct)).Policy.EvidenceExpiryWarningDays;

    private async Task<EvidenceItem?> VisibleAsync(Guid evidenceId, ClaimsPrincipal user, CancellationToken ct)
    {
        var item = await db.EvidenceItems.AsNoTracking().FirstOrDefaultAsync(e => e.Id == evidenceId, ct);
        return item is not null && await orgs.CanSeeAsync(user, item.OrganizationId, ct) ? item : null;
    }

    /// <summary>Checks the upload's fields; returns what is wrong, or null.</summary>
    public static string? Validate(string? type, string? issuer, string? scope, string? validFrom, string? validUntil, string? name,
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
