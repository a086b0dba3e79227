using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// The reviewers' side: the queue (tier priority first, then the SLA clock), assignment, and the
/// approval of suppression requests. Staff only.
/// </summary>
public static class ReviewApi
{
    public static IEndpointRouteBuilder MapReviewApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/review").WithTags("Review");
        g.MapGet("/queue", Queue).RequireAuthorization(Policies.Staff).WithName("GetReviewQueue").WithSummary("List the versions waiting for review.");
        app.MapPost("/api/apps/{app}/versions/{version}/assign", Assign).WithTags("Review").RequireAuthorization(Policies.Staff).WithName("AssignReviewer").WithSummary("Assign a reviewer to a version.");
        return app;
    }

    /// <param name="assigned"><c>me</c>, <c>none</c> or empty for all.</param>
    public static async Task<Ok<List<QueueItem>>> Queue(
        ClaimsPrincipal user, GatehouseDb db, VersionFindings findings, TimeProvider time, CancellationToken ct,
        string? tier = null, string? assigned = null, bool overdue = false) =>
        TypedResults.Ok(await QueueItemsAsync(user, db, findings, time.GetUtcNow(), tier, assigned, overdue, null, ct));

    /// <summary>
    /// The queue as <c>GET /api/review/queue</c> lists it (the console's queue page uses the same code): versions
    /// in review, scanning or submitted, highest priority first, then the SLA clock. <paramref name="type"/> narrows it to one app type.
    /// </summary>
    public static async Task<List<QueueItem>> QueueItemsAsync(
        ClaimsPrincipal user, GatehouseDb db, VersionFindings findings, DateTimeOffset now, string? tier, string? assigned, bool overdue,
        string? type, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(findings);
        var q = db.AppVersions.AsNoTracking().Where(v => v.State == VersionStates.InReview || v.State == VersionStates.Scanning || v.State == VersionStates.Submitted);
        if (assigned == "me") { var me = user.Id(); q = q.Where(v => v.AssignedReviewerId == me); }
        else if (assigned == "none") q = q.Where(v => v.AssignedReviewerId == null);
        if (overdue) q = q.Where(v => v.SlaDueAt < now);
        var versions = await q.OrderByDescending(v => v.Priority).ThenBy(v => v.SlaDueAt).Take(500).ToListAsync(ct);
        var appIds = versions.Select(v => v.AppId).Distinct().ToList();
        var apps = await db.Apps.AsNoTracking().Where(a => appIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var orgIds = apps.Values.Select(a => a.OrganizationId).Distinct().ToList();
        var orgs = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var items = new List<QueueItem>();
        foreach (var v in versions)
        {
            var a = apps[v.AppId];
            if (tier is not null && a.Tier != tier) continue;
            if (type is not null && a.Type != type) continue;
            var scan = v.CurrentScanId is { } sid ? await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, ct) : null;
            var effective = scan?.Verdict is null ? null : await findings.EffectiveAsync(a, v, scan, ct);
            var risk = (effective?.RiskScore ?? 0) + (v.QuestionnaireResult == "warn" ? 10 : 0);
            items.Add(new QueueItem(v.Id, a.Slug, a.Name, a.Type, a.Tier, orgs.GetValueOrDefault(a.OrganizationId) ?? "", v.Version, v.State,
                v.SubmittedAt, v.SlaDueAt, v.SlaDueAt is { } due ? Math.Round((due - now).TotalHours, 1) : null, v.SlaDueAt < now,
                v.Priority, v.AssignedReviewerId, scan?.Verdict, effective?.Verdict, v.QuestionnaireResult, Math.Min(100, risk)));
        }
        return items;
    }

    /// <summary>Assigns a reviewer (the caller when none is named); never a member of the vendor organisation.</summary>
    public static async Task<Results<Ok<VersionInfo>, ProblemHttpResult>> Assign(
        string app, string version, AssignRequest request, HttpContext http, AppAccess apps, GatehouseDb db,
        UserManager<GatehouseUser> users, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Problems.NotFound("Version");
        var reviewerId = request.ReviewerId ?? http.User.Id();
        var reviewer = await users.FindByIdAsync(reviewerId);
        if (reviewer is null || !(await users.IsInRoleAsync(reviewer, Roles.Reviewer) || await users.IsInRoleAsync(reviewer, Roles.Admin)))
            return Problems.Invalid("reviewerId must name a reviewer or admin");
        if (ConflictOfInterest.Blocks(ConflictOfInterest.Decisions.AssignReviewer)
            && await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == row.OrganizationId && m.UserId == reviewerId, ct))
            return AppsApi.ConflictOfInterest();
        if (Lifecycle.IsFinal(v.State)) return AppsApi.InvalidTransition(v, "assign a reviewer to");
        v.AssignedReviewerId = reviewerId;
        v.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.VersionAssigned, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, reviewer = reviewerId }), ct);
        return TypedResults.Ok(VersionInfo.From(row, v));
    }
}

public sealed record AssignRequest(string? ReviewerId);

/// <param name="SlaHoursLeft">Hours until the SLA is due (negative when overdue).</param>
/// <param name="RiskScore">0-100: unsuppressed findings weighted by severity (critical 40, high 20, medium 5, low 1) plus 10 for a questionnaire with warnings.</param>
public sealed record QueueItem(Guid VersionId, string App, string AppName, string Type, string Tier, string Organization, string Version,
    string State, DateTimeOffset? SubmittedAt, DateTimeOffset? SlaDueAt, double? SlaHoursLeft, bool Overdue, int Priority,
    string? AssignedReviewerId, string? ScanVerdict, string? EffectiveVerdict, string? QuestionnaireResult, int RiskScore);
