using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Microsoft.EntityFrameworkCore;
using System.Security.Claims;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Suppressions' rules: a vendor asks that one finding (by fingerprint) of its own app stop counting, with a
/// justification; a reviewer who is not a member approves it with an expiry (at most a year), or rejects or later
/// revokes it with a note. The API and the console both call it.
/// </summary>
public sealed class SuppressionWorkflow(AppAccess apps, GatehouseDb db, AuditLog audit, Notifier notifier, TimeProvider time)
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    public async Task<Outcome<SuppressionInfo>> RequestAsync(HttpContext http, string app, RequestSuppressionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (await apps.FindAsync(http.User, app, ct) is not { } row) return Refusal.NotFound("App");
        if (!await apps.IsMemberAsync(http.User, row.OrganizationId, ct)) return Refusal.Forbidden("only members of the vendor organisation request suppressions");
        var justification = request.Justification?.Trim();
        if (string.IsNullOrEmpty(justification) || justification.Length is < 20 or > 4000)
            return Refusal.Invalid("justification is required: why the finding is not a risk here (20-4000 characters)");
        // Only findings of this app's own scans can be suppressed.
        var versionIds = db.AppVersions.Where(v => v.AppId == row.Id).Select(v => (Guid?)v.Id);
        var finding = await db.ScanFindings.AsNoTracking()
            .Where(f => f.Fingerprint == request.Fingerprint && db.Scans.Any(s => s.Id == f.ScanId && versionIds.Contains(s.SubjectId)))
            .OrderByDescending(f => f.Id).FirstOrDefaultAsync(ct);
        if (finding is null) return Refusal.Invalid("fingerprint does not name a finding of this app");
        var now = time.GetUtcNow();
        if (await db.Suppressions.AnyAsync(s => s.AppId == row.Id && s.Fingerprint == finding.Fingerprint
                && (s.State == SuppressionStates.Requested || (s.State == SuppressionStates.Approved && s.ExpiresAt > now)), ct))
            return Refusal.Conflict("this finding already has an open or active suppression");
        var s = new Suppression
        {
            Id = Guid.CreateVersion7(now), AppId = row.Id, OrganizationId = row.OrganizationId, Fingerprint = finding.Fingerprint,
            RuleId = finding.RuleId, Path = finding.Path, Justification = justification, State = SuppressionStates.Requested,
            RequestedBy = http.User.Id(), RequestedAt = now,
        };
        db.Suppressions.Add(s);
        audit.Record(db, AuditEvent.By(http, AuditActions.SuppressionRequested, row.OrganizationId.ToString(), s.Id.ToString(),
            new { app = row.Slug, s.Fingerprint, s.RuleId }));
        await notifier.QueueForStaffAsync("suppression.requested", new { app = row.Slug, suppressionId = s.Id, s.RuleId, s.Path }, ct);
        await db.SaveChangesAsync(ct);
        return SuppressionInfo.From(s, now);
    }

    public async Task<Outcome<List<SuppressionInfo>>> ListAsync(ClaimsPrincipal user, string app, CancellationToken ct)
    {
        if (await apps.FindAsync(user, app, ct) is not { } row) return Refusal.NotFound("App");
        var now = time.GetUtcNow();
        var rows = await db.Suppressions.AsNoTracking().Where(s => s.AppId == row.Id).OrderByDescending(s => s.RequestedAt).ToListAsync(ct);
        return rows.Select(s => SuppressionInfo.From(s, now)).ToList();
    }

    /// <summary>A reviewer's decision: <see cref="SuppressionStates.Approved"/> (with an expiry), <see cref="SuppressionStates.Rejected"/>
    /// or <see cref="SuppressionStates.Revoked"/> (with a note).</summary>
    public async Task<Outcome<SuppressionInfo>> DecideAsync(HttpContext http, Guid suppressionId, DecideSuppressionRequest request, string to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var s = await db.Suppressions.FirstOrDefaultAsync(x => x.Id == suppressionId, ct);
        if (s is null) return Refusal.NotFound("Suppression");
        var decision = to == SuppressionStates.Approved ? ConflictOfInterest.Decisions.ApproveSuppression
            : to == SuppressionStates.Revoked ? ConflictOfInterest.Decisions.RevokeSuppression : ConflictOfInterest.Decisions.RejectSuppression;
        if (ConflictOfInterest.Blocks(decision) && await apps.IsMemberAsync(http.User, s.OrganizationId, ct)) return VersionRefusals.ConflictOfInterest();
        var now = time.GetUtcNow();
        var allowed = to == SuppressionStates.Revoked ? s.State == SuppressionStates.Approved : s.State == SuppressionStates.Requested;
        if (!allowed) return new Refusal(409, ProblemCodes.LifecycleInvalidTransition, "Not allowed in this state", $"cannot make a {s.State} suppression {to}");
        if (request.Note is { Length: > 2000 }) return Refusal.Invalid("note must be at most 2000 characters");
        if (to == SuppressionStates.Approved)
        {
            if (request.ExpiresAt is not { } expires || expires <= now || expires > now + MaxLifetime)
                return Refusal.Invalid("expiresAt is required: a time in the future, at most 365 days ahead");
            s.ExpiresAt = expires;
        }
        else if (string.IsNullOrWhiteSpace(request.Note)) return Refusal.Invalid("note is required: say why");
        if (to == SuppressionStates.Revoked) s.ExpiresAt = now;
        s.State = to;
        s.DecidedBy = http.User.Id();
        s.DecidedAt = now;
        s.DecisionNote = request.Note;
        var action = to switch
        {
            SuppressionStates.Approved => AuditActions.SuppressionApproved,
            SuppressionStates.Rejected => AuditActions.SuppressionRejected,
            _ => AuditActions.SuppressionRevoked,
        };
        audit.Record(db, AuditEvent.By(http, action, s.OrganizationId.ToString(), s.Id.ToString(), new { s.Fingerprint, s.ExpiresAt, note = s.DecisionNote }));
        await notifier.QueueForOrganizationAsync(s.OrganizationId, $"suppression.{to}", new { suppressionId = s.Id, s.RuleId, s.Path, s.ExpiresAt, note = s.DecisionNote }, ct);
        await db.SaveChangesAsync(ct);
        return SuppressionInfo.From(s, now);
    }
}
