using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Suppressions: a vendor asks that one finding (by fingerprint) stop counting, with a justification; a
/// reviewer approves it with an expiry (at most a year). It then holds across rescans until it expires.
/// </summary>
public static class SuppressionsApi
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    public static IEndpointRouteBuilder MapSuppressionsApi(this IEndpointRouteBuilder app)
    {
        var apps = app.MapGroup("/api/apps/{app}/suppressions").WithTags("Suppressions");
        apps.MapPost("/", Request).RequireAuthorization(Policies.Write).WithName("RequestSuppression").WithSummary("Ask for a finding of an app to be suppressed.");
        apps.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListSuppressions").WithSummary("List an app's suppressions.");
        var s = app.MapGroup("/api/suppressions/{suppressionId:guid}").WithTags("Suppressions");
        s.MapPost("/approve", Approve).RequireAuthorization(Policies.Staff).WithName("ApproveSuppression").WithSummary("Approve a suppression request.");
        s.MapPost("/reject", (Guid suppressionId, DecideSuppressionRequest r, HttpContext h, AppAccess a, GatehouseDb d, AuditLog au, Notifier n, TimeProvider t, CancellationToken c)
            => Decide(suppressionId, r, SuppressionStates.Rejected, h, a, d, au, n, t, c)).RequireAuthorization(Policies.Staff).WithName("RejectSuppression").WithSummary("Reject a suppression request.");
        s.MapPost("/revoke", (Guid suppressionId, DecideSuppressionRequest r, HttpContext h, AppAccess a, GatehouseDb d, AuditLog au, Notifier n, TimeProvider t, CancellationToken c)
            => Decide(suppressionId, r, SuppressionStates.Revoked, h, a, d, au, n, t, c)).RequireAuthorization(Policies.Staff).WithName("RevokeSuppression").WithSummary("Revoke an approved suppression.");
        return app;
    }

    public static async Task<Results<Created<SuppressionInfo>, ProblemHttpResult>> Request(
        string app, RequestSuppressionRequest request, HttpContext http, AppAccess apps, GatehouseDb db, AuditLog audit,
        Notifier notifier, TimeProvider time, CancellationToken ct)
    {
        if (await apps.FindAsync(http.User, app, ct) is not { } row) return Problems.NotFound("App");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Problems.Forbidden("only members of the vendor organisation request suppressions");
        var justification = request.Justification?.Trim();
        if (string.IsNullOrEmpty(justification) || justification.Length is < 20 or > 4000)
            return Problems.Invalid("justification is required: why the finding is not a risk here (20-4000 characters)");
        // Only findings of this app's own scans can be suppressed.
        var versionIds = db.AppVersions.Where(v => v.AppId == row.Id).Select(v => (Guid?)v.Id);
        var finding = await db.ScanFindings.AsNoTracking()
            .Where(f => f.Fingerprint == request.Fingerprint && db.Scans.Any(s => s.Id == f.ScanId && versionIds.Contains(s.SubjectId)))
            .OrderByDescending(f => f.Id).FirstOrDefaultAsync(ct);
        if (finding is null) return Problems.Invalid("fingerprint does not name a finding of this app");
        var now = time.GetUtcNow();
        if (await db.Suppressions.AnyAsync(s => s.AppId == row.Id && s.Fingerprint == finding.Fingerprint
                && (s.State == SuppressionStates.Requested || (s.State == SuppressionStates.Approved && s.ExpiresAt > now)), ct))
            return Problems.Conflict("this finding already has an open or active suppression");
        var s = new Suppression
        {
            Id = Guid.CreateVersion7(now), AppId = row.Id, OrganizationId = row.OrganizationId, Fingerprint = finding.Fingerprint,
            RuleId = finding.RuleId, Path = finding.Path, Justification = justification, State = SuppressionStates.Requested,
            RequestedBy = http.User.Id(), RequestedAt = now,
        };
        db.Suppressions.Add(s);
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.SuppressionRequested, row.OrganizationId.ToString(), s.Id.ToString(),
            new { app = row.Slug, s.Fingerprint, s.RuleId }), ct);
        await notifier.StaffAsync("suppression.requested", new { app = row.Slug, suppressionId = s.Id, s.RuleId, s.Path }, ct);
        return TypedResults.Created($"/api/apps/{row.Slug}/suppressions", SuppressionInfo.From(s, now));
    }

    public static async Task<Results<Ok<List<SuppressionInfo>>, ProblemHttpResult>> List(
        string app, ClaimsPrincipal user, AppAccess apps, GatehouseDb db, TimeProvider time, CancellationToken ct)
    {
        if (await apps.FindAsync(user, app, ct) is not { } row) return Problems.NotFound("App");
        var now = time.GetUtcNow();
        var rows = await db.Suppressions.AsNoTracking().Where(s => s.AppId == row.Id).OrderByDescending(s => s.RequestedAt).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(s => SuppressionInfo.From(s, now)).ToList());
    }

    public static Task<Results<Ok<SuppressionInfo>, ProblemHttpResult>> Approve(
        Guid suppressionId, DecideSuppressionRequest request, HttpContext http, AppAccess apps, GatehouseDb db, AuditLog audit,
        Notifier notifier, TimeProvider time, CancellationToken ct) =>
        Decide(suppressionId, request, SuppressionStates.Approved, http, apps, db, audit, notifier, time, ct);

    internal static async Task<Results<Ok<SuppressionInfo>, ProblemHttpResult>> Decide(
        Guid suppressionId, DecideSuppressionRequest request, string to, HttpContext http, AppAccess apps, GatehouseDb db, AuditLog audit,
        Notifier notifier, TimeProvider time, CancellationToken ct)
    {
        var s = await db.Suppressions.FirstOrDefaultAsync(x => x.Id == suppressionId, ct);
        if (s is null) return Problems.NotFound("Suppression");
        var decision = to == SuppressionStates.Approved ? ConflictOfInterest.Decisions.ApproveSuppression
            : to == SuppressionStates.Revoked ? ConflictOfInterest.Decisions.RevokeSuppression : ConflictOfInterest.Decisions.RejectSuppression;
        if (ConflictOfInterest.Blocks(decision) && await apps.IsMemberAsync(http.User, s.OrganizationId, ct)) return AppsApi.ConflictOfInterest();
        var now = time.GetUtcNow();
        var allowed = to == SuppressionStates.Revoked ? s.State == SuppressionStates.Approved : s.State == SuppressionStates.Requested;
        if (!allowed) return Problems.Of(409, ProblemCodes.LifecycleInvalidTransition, "Not allowed in this state", $"cannot make a {s.State} suppression {to}");
        if (request.Note is { Length: > 2000 }) return Problems.Invalid("note must be at most 2000 characters");
        if (to == SuppressionStates.Approved)
        {
            if (request.ExpiresAt is not { } expires || expires <= now || expires > now + MaxLifetime)
                return Problems.Invalid("expiresAt is required: a time in the future, at most 365 days ahead");
            s.ExpiresAt = expires;
        }
        else if (string.IsNullOrWhiteSpace(request.Note)) return Problems.Invalid("note is required: say why");
        if (to == SuppressionStates.Revoked) s.ExpiresAt = now;
        s.State = to;
        s.DecidedBy = http.User.Id();
        s.DecidedAt = now;
        s.DecisionNote = request.Note;
        await db.SaveChangesAsync(ct);
        var action = to switch
        {
            SuppressionStates.Approved => AuditActions.SuppressionApproved,
            SuppressionStates.Rejected => AuditActions.SuppressionRejected,
            _ => AuditActions.SuppressionRevoked,
        };
        await audit.AppendAsync(AuditEvent.By(http, action, s.OrganizationId.ToString(), s.Id.ToString(), new { s.Fingerprint, s.ExpiresAt, note = s.DecisionNote }), ct);
        await notifier.OrganizationAsync(s.OrganizationId, $"suppression.{to}", new { suppressionId = s.Id, s.RuleId, s.Path, s.ExpiresAt, note = s.DecisionNote }, ct);
        return TypedResults.Ok(SuppressionInfo.From(s, now));
    }
}

public sealed record RequestSuppressionRequest(string? Fingerprint, string? Justification);
public sealed record DecideSuppressionRequest(DateTimeOffset? ExpiresAt, string? Note);

/// <param name="Active">Approved and not expired: the finding does not count.</param>
public sealed record SuppressionInfo(Guid Id, string Fingerprint, string RuleId, string Path, string Justification, string State, bool Active,
    string RequestedBy, DateTimeOffset RequestedAt, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionNote, DateTimeOffset? ExpiresAt)
{
    public static SuppressionInfo From(Suppression s, DateTimeOffset now) => new(s.Id, s.Fingerprint, s.RuleId, s.Path, s.Justification, s.State,
        s.State == SuppressionStates.Approved && s.ExpiresAt > now, s.RequestedBy, s.RequestedAt, s.DecidedBy, s.DecidedAt, s.DecisionNote, s.ExpiresAt);
}
