using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Scanning;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Apps;

/// <summary>
/// The reviewers' queue (tier priority first, then the SLA clock) and assignment: a reviewer is never a member of the
/// vendor organisation, and a version in a final state takes no reviewer. The API and the console both call it.
/// </summary>
/// <remarks>
/// The usage risk (<see cref="IAppUsageRisk"/>, internal) is resolved from <paramref name="services"/>: this class is
/// public (console page models take it), and a public constructor cannot name an internal type.
/// </remarks>
public sealed class ReviewQueue(AppAccess apps, GatehouseDb db, VersionFindings findings, UserManager<GatehouseUser> users, AuditLog audit, TimeProvider time,
    IServiceProvider services)
{
    /// <summary>
    /// The queue as <c>GET /api/review/queue</c> lists it (and the console's queue page): versions
    /// in review, scanning or submitted, highest priority first, then the SLA clock. <paramref name="type"/> narrows it to one app type.
    /// </summary>
    public async Task<List<QueueItem>> QueueAsync(ClaimsPrincipal user, string? tier, string? assigned, bool overdue, string? type, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var q = db.AppVersions.AsNoTracking().Where(v => v.State == VersionStates.InReview || v.State == VersionStates.Scanning || v.State == VersionStates.Submitted);
        if (assigned == "me") { var me = user.Id(); q = q.Where(v => v.AssignedReviewerId == me); }
        else if (assigned == "none") q = q.Where(v => v.AssignedReviewerId == null);
        if (overdue) q = q.Where(v => v.SlaDueAt < now);
        var versions = await q.OrderByDescending(v => v.Priority).ThenBy(v => v.SlaDueAt).Take(500).ToListAsync(ct);
        var appIds = versions.Select(v => v.AppId).Distinct().ToList();
        var appsById = await db.Apps.AsNoTracking().Where(a => appIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var orgIds = appsById.Values.Select(a => a.OrganizationId).Distinct().ToList();
        var orgs = await db.Organizations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        var usage = await services.GetRequiredService<IAppUsageRisk>().RiskAsync(appIds, ct);
        var items = new List<QueueItem>();
        foreach (var v in versions)
        {
            var a = appsById[v.AppId];
            if (tier is not null && a.Tier != tier) continue;
            if (type is not null && a.Type != type) continue;
            var scan = v.CurrentScanId is { } sid ? await db.Scans.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, ct) : null;
            var effective = scan?.Verdict is null ? null : await findings.EffectiveAsync(a, v, scan, ct);
            var risk = (effective?.RiskScore ?? 0) + (v.QuestionnaireResult == "warn" ? 10 : 0);
            items.Add(new QueueItem(v.Id, a.Slug, a.Name, a.Type, a.Tier, orgs.GetValueOrDefault(a.OrganizationId) ?? "", v.Version, v.State,
                v.SubmittedAt, v.SlaDueAt, v.SlaDueAt is { } due ? Math.Round((due - now).TotalHours, 1) : null, v.SlaDueAt < now,
                v.Priority, v.AssignedReviewerId, VerdictNames.Of(scan?.Verdict), effective?.VerdictName, v.QuestionnaireResult, Math.Min(100, risk))
            {
                UsageRiskScore = usage.GetValueOrDefault(a.Id)?.Score ?? 0,
                UsageRisk = usage.GetValueOrDefault(a.Id)?.Level ?? "none",
                UsageOpenAlerts = usage.GetValueOrDefault(a.Id)?.OpenAlerts ?? 0,
            });
        }
        return items;
    }

    /// <summary>Assigns a reviewer (the caller when none is named); never a member of the vendor organisation.</summary>
    public async Task<Outcome<VersionInfo>> AssignAsync(HttpContext http, string app, string version, AssignRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var (row, v) = await apps.FindVersionAsync(http.User, app, version, ct);
        if (row is null || v is null) return Refusal.NotFound("Version");
        var reviewerId = request.ReviewerId ?? http.User.Id();
        var reviewer = await users.FindByIdAsync(reviewerId);
        if (reviewer is null || !(await users.IsInRoleAsync(reviewer, Roles.Reviewer) || await users.IsInRoleAsync(reviewer, Roles.Admin)))
            return Refusal.Invalid("reviewerId must name a reviewer or admin");
        if (ConflictOfInterest.Blocks(ConflictOfInterest.Decisions.AssignReviewer)
            && await db.OrganizationMembers.AnyAsync(m => m.OrganizationId == row.OrganizationId && m.UserId == reviewerId, ct))
            return VersionRefusals.ConflictOfInterest();
        if (Lifecycle.IsFinal(v.State)) return VersionRefusals.InvalidTransition(v, "assign a reviewer to");
        v.AssignedReviewerId = reviewerId;
        v.UpdatedAt = time.GetUtcNow();
        audit.Record(db, AuditEvent.By(http, AuditActions.VersionAssigned, row.OrganizationId.ToString(), v.Id.ToString(),
            new { app = row.Slug, v.Version, reviewer = reviewerId }));
        await db.SaveChangesAsync(ct);
        return VersionInfo.From(row, v);
    }
}
