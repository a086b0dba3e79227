using System.Security.Claims;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Invitations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Developers;

/// <summary>
/// Vendor organisations and their members. An organisation the caller may not see answers 404,
/// so its existence does not leak. Nobody is added to an organisation without consent: members join by
/// accepting an invitation (<see cref="Invitations.InvitationService"/>). The rules live in <see cref="OrganizationDirectory"/>.
/// </summary>
internal static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/orgs").WithTags("Organizations");
        g.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListOrganizations").WithSummary("List the caller's organisations.");
        g.MapPost("/", Create).RequireAuthorization(Policies.Write).WithName("CreateOrganization").WithSummary("Create an organisation.");
        g.MapGet("/{orgId:guid}", Get).RequireAuthorization(Policies.Read).WithName("GetOrganization").WithSummary("Get an organisation.");
        g.MapGet("/{orgId:guid}/members", Members).RequireAuthorization(Policies.Read).WithName("ListOrganizationMembers").WithSummary("List an organisation's members.");
        g.MapPost("/{orgId:guid}/invitations", Invite).RequireAuthorization(Policies.Write).WithName("InviteOrganizationMember").WithSummary("Invite a member to an organisation by e-mail.");
        g.MapGet("/{orgId:guid}/invitations", Invitations).RequireAuthorization(Policies.Read).WithName("ListOrganizationInvitations").WithSummary("List an organisation's pending invitations.");
        g.MapDelete("/{orgId:guid}/members/{userId}", RemoveMember).RequireAuthorization(Policies.Write).WithName("RemoveOrganizationMember").WithSummary("Remove a member from an organisation.");
        return app;
    }

    public static async Task<Ok<List<OrganizationInfo>>> List(ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        var visible = await access.VisibleOrgIdsAsync(user, ct);
        var q = db.Organizations.AsNoTracking();
        if (visible is not null) q = q.Where(o => visible.Contains(o.Id));
        var rows = await q.OrderBy(o => o.Name)
            .Select(o => new OrganizationInfo(o.Id, o.Name, o.OwnerUserId, o.CreatedAt, o.Members.Count))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    public static async Task<Results<Created<OrganizationInfo>, ProblemHttpResult>> Create(
        CreateOrganizationRequest request, HttpContext http, OrganizationDirectory organizations, CancellationToken ct)
    {
        var outcome = await organizations.CreateAsync(http, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/orgs/{outcome.Value!.Id}", outcome.Value);
    }

    public static async Task<Results<Ok<OrganizationInfo>, ProblemHttpResult>> Get(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        var org = await db.Organizations.AsNoTracking().Where(o => o.Id == orgId)
            .Select(o => new OrganizationInfo(o.Id, o.Name, o.OwnerUserId, o.CreatedAt, o.Members.Count))
            .FirstAsync(ct);
        return TypedResults.Ok(org);
    }

    public static async Task<Results<Ok<List<MemberInfo>>, ProblemHttpResult>> Members(
        Guid orgId, ClaimsPrincipal user, OrganizationDirectory organizations, CancellationToken ct)
    {
        var outcome = await organizations.MembersAsync(user, orgId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>
    /// Invites someone by e-mail (the owner, or an admin). The answer is the same whether the address belongs to an
    /// account or not, and nothing is looked up: the person joins only by accepting (POST /api/invitations/accept).
    /// </summary>
    public static async Task<Results<Created<InvitationInfo>, ProblemHttpResult>> Invite(
        Guid orgId, InviteRequest request, HttpContext http, OrganizationDirectory organizations, CancellationToken ct)
    {
        var outcome = await organizations.InviteAsync(http, orgId, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/orgs/{orgId}/invitations/{outcome.Value!.Id}", outcome.Value);
    }

    /// <summary>The organisation's invitations, newest first (owner or admin).</summary>
    public static async Task<Results<Ok<List<InvitationInfo>>, ProblemHttpResult>> Invitations(
        Guid orgId, ClaimsPrincipal user, OrganizationDirectory organizations, CancellationToken ct)
    {
        var outcome = await organizations.InvitationsAsync(user, orgId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveMember(
        Guid orgId, string userId, HttpContext http, OrganizationDirectory organizations, CancellationToken ct)
    {
        var outcome = await organizations.RemoveMemberAsync(http, orgId, userId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
    }
}
