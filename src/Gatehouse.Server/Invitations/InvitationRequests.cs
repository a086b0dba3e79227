using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Invitations;

/// <summary>
/// Accepting and revoking invitations as a person asks: every refusal to accept answers alike except a staff account
/// joining a vendor without an admin's invitation (audited); an invitation the caller may not revoke is "not found".
/// The API and the console both call it.
/// </summary>
public sealed class InvitationRequests(InvitationService invitations, GatehouseDb db, OrgAccess access, AuditLog audit)
{
    /// <summary>The signed-in user accepts with the token from the e-mail. Every refusal but one answers alike.</summary>
    public async Task<Outcome<AcceptedInvitation>> AcceptAsync(HttpContext http, AcceptInvitationRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var outcome = await invitations.AcceptAsync(http.User.Id(), request.Token, AuditEvent.By(http, AuditActions.MemberAdded), ct);
        switch (outcome.Status)
        {
            case AcceptStatus.Accepted:
                var i = outcome.Invitation!;
                return new AcceptedInvitation(i.Kind, i.TargetId, i.Role);
            case AcceptStatus.StaffNotAllowed:
                await audit.AppendAsync(AuditEvent.By(http, AuditActions.InvitationStaffRefused, outcome.Invitation!.TargetId.ToString(),
                    outcome.Invitation.Id.ToString()), ct);
                return StaffNotAllowed();
            default:
                return Invalid();
        }
    }

    /// <summary>The organisation's owner (or an admin) revokes an organisation invitation; an admin a tenant invitation.</summary>
    public async Task<Outcome<Completed>> RevokeAsync(HttpContext http, Guid invitationId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var inv = await db.Set<Invitation>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == invitationId, ct);
        var allowed = inv is not null && (inv.Kind == InvitationKinds.Organization
            ? await access.CanManageMembersAsync(http.User, inv.TargetId, ct)
            : await access.IsAdminAsync(http.User));
        if (!allowed) return Refusal.NotFound("Invitation");
        if (!await invitations.RevokeAsync(inv!, http.User.Id(), AuditEvent.By(http, AuditActions.InvitationRevoked,
                inv!.Kind == InvitationKinds.Organization ? inv.TargetId.ToString() : null), ct))
            return Refusal.Conflict("the invitation is no longer pending (accepted or revoked)");
        return Completed.Instance;
    }

    public static Refusal Invalid() =>
        new Refusal(StatusCodes.Status404NotFound, ProblemCodes.InvitationInvalid, "No open invitation matches",
            "the token does not match an open invitation for your e-mail address: it may be mistyped, used, revoked or expired, or meant for another address");

    public static Refusal StaffNotAllowed() =>
        new Refusal(StatusCodes.Status403Forbidden, ProblemCodes.InvitationStaffNotAllowed, "Staff cannot join a vendor organisation",
            "reviewers and admins join a vendor organisation only through an invitation an admin issued; ask an admin");
}
