using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Invitations;

/// <summary>
/// Accepting and revoking invitations (issued by <c>POST /api/orgs/{orgId}/invitations</c> and
/// <c>POST /api/tenants/{tenantId}/invitations</c>).
/// </summary>
public static class InvitationsApi
{
    public static IEndpointRouteBuilder MapInvitationsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/invitations").WithTags("Invitations");
        g.MapPost("/accept", Accept).RequireAuthorization(Policies.Write).WithName("AcceptInvitation").WithSummary("Accept an organisation or tenant invitation with the token from its e-mail.");
        g.MapDelete("/{invitationId:guid}", Revoke).RequireAuthorization(Policies.Write).WithName("RevokeInvitation").WithSummary("Revoke a pending invitation.");
        return app;
    }

    /// <summary>The signed-in user accepts with the token from the e-mail. Every refusal but one answers alike.</summary>
    public static async Task<Results<Ok<AcceptedInvitation>, ProblemHttpResult>> Accept(
        AcceptInvitationRequest request, HttpContext http, InvitationService invitations, AuditLog audit, CancellationToken ct)
    {
        var outcome = await invitations.AcceptAsync(http.User.Id(), request.Token, AuditEvent.By(http, AuditActions.MemberAdded), ct);
        switch (outcome.Status)
        {
            case AcceptStatus.Accepted:
                var i = outcome.Invitation!;
                return TypedResults.Ok(new AcceptedInvitation(i.Kind, i.TargetId, i.Role));
            case AcceptStatus.StaffNotAllowed:
                await audit.AppendAsync(AuditEvent.By(http, AuditActions.InvitationStaffRefused, outcome.Invitation!.TargetId.ToString(),
                    outcome.Invitation.Id.ToString()), ct);
                return StaffNotAllowed();
            default:
                return Invalid();
        }
    }

    /// <summary>The organisation's owner (or an admin) revokes an organisation invitation; an admin a tenant invitation.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid invitationId, HttpContext http, GatehouseDb db, OrgAccess access, InvitationService invitations, CancellationToken ct)
    {
        var inv = await db.Set<Invitation>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == invitationId, ct);
        var allowed = inv is not null && (inv.Kind == InvitationKinds.Organization
            ? await access.CanManageMembersAsync(http.User, inv.TargetId, ct)
            : await access.IsAdminAsync(http.User));
        if (!allowed) return Problems.NotFound("Invitation");
        if (!await invitations.RevokeAsync(inv!, http.User.Id(), AuditEvent.By(http, AuditActions.InvitationRevoked,
                inv!.Kind == InvitationKinds.Organization ? inv.TargetId.ToString() : null), ct))
            return Problems.Conflict("the invitation is no longer pending (accepted or revoked)");
        return TypedResults.NoContent();
    }

    internal static ProblemHttpResult Invalid() =>
        Problems.Of(StatusCodes.Status404NotFound, ProblemCodes.InvitationInvalid, "No open invitation matches",
            "the token does not match an open invitation for your e-mail address: it may be mistyped, used, revoked or expired, or meant for another address");

    internal static ProblemHttpResult StaffNotAllowed() =>
        Problems.Of(StatusCodes.Status403Forbidden, ProblemCodes.InvitationStaffNotAllowed, "Staff cannot join a vendor organisation",
            "reviewers and admins join a vendor organisation only through an invitation an admin issued; ask an admin");
}

public sealed record AcceptInvitationRequest(string? Token);
/// <summary>What the caller joined: <c>organization</c> or <c>tenant</c>, its id, and the role.</summary>
public sealed record AcceptedInvitation(string Kind, Guid TargetId, string Role);
/// <summary>An invitation to send: the address and, for organisations, <c>member</c> (default) or <c>owner</c>.</summary>
public sealed record InviteRequest(string? Email, string? Role);
