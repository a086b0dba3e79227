using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.Invitations;

/// <summary>
/// Accepting and revoking invitations (issued by <c>POST /api/orgs/{orgId}/invitations</c> and
/// <c>POST /api/tenants/{tenantId}/invitations</c>). The rules live in <see cref="InvitationRequests"/>.
/// </summary>
internal static class InvitationsApi
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
        AcceptInvitationRequest request, HttpContext http, InvitationRequests invitations, CancellationToken ct)
    {
        var outcome = await invitations.AcceptAsync(http, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>The organisation's owner (or an admin) revokes an organisation invitation; an admin a tenant invitation.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Revoke(
        Guid invitationId, HttpContext http, InvitationRequests invitations, CancellationToken ct)
    {
        var outcome = await invitations.RevokeAsync(http, invitationId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
    }
}
