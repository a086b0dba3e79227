using System.Security.Claims;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Invitations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Server.OAuth;

/// <summary>
/// Tenants (customers of the marketplace): admins create them and invite their admins, who join by accepting
/// (the same invitations as vendor organisations). A tenant the caller neither administers nor, as admin, manages
/// answers 404. The rules live in <see cref="TenantDirectory"/>.
/// </summary>
internal static class TenantsApi
{
    public static IEndpointRouteBuilder MapTenantsApi(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/tenants").WithTags("Tenants");
        g.MapGet("/", List).RequireAuthorization(Policies.Read).WithName("ListTenants").WithSummary("List the tenants the caller may see.");
        g.MapPost("/", Create).RequireAuthorization(Policies.Admin).WithName("CreateTenant").WithSummary("Create a tenant.");
        g.MapGet("/{tenantId:guid}", Get).RequireAuthorization(Policies.Read).WithName("GetTenant").WithSummary("Get a tenant.");
        g.MapGet("/{tenantId:guid}/admins", Admins).RequireAuthorization(Policies.Read).WithName("ListTenantAdmins").WithSummary("List a tenant's admins.");
        g.MapPost("/{tenantId:guid}/invitations", Invite).RequireAuthorization(Policies.Admin).WithName("InviteTenantAdmin").WithSummary("Invite a tenant admin by e-mail.");
        g.MapGet("/{tenantId:guid}/invitations", Invitations).RequireAuthorization(Policies.Admin).WithName("ListTenantInvitations").WithSummary("List a tenant's pending invitations.");
        return app;
    }

    /// <summary>Admins see every tenant; anyone else the tenants they administer.</summary>
    public static async Task<Ok<List<TenantInfo>>> List(ClaimsPrincipal user, TenantDirectory tenants, CancellationToken ct) =>
        TypedResults.Ok(await tenants.ListAsync(user, ct));

    public static async Task<Results<Created<TenantInfo>, ProblemHttpResult>> Create(
        CreateTenantRequest request, HttpContext http, TenantDirectory tenants, CancellationToken ct)
    {
        var outcome = await tenants.CreateAsync(http, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/tenants/{outcome.Value!.Id}", outcome.Value);
    }

    public static async Task<Results<Ok<TenantInfo>, ProblemHttpResult>> Get(
        Guid tenantId, ClaimsPrincipal user, TenantDirectory tenants, CancellationToken ct)
    {
        var outcome = await tenants.GetAsync(user, tenantId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    public static async Task<Results<Ok<List<TenantAdminInfo>>, ProblemHttpResult>> Admins(
        Guid tenantId, ClaimsPrincipal user, TenantDirectory tenants, CancellationToken ct)
    {
        var outcome = await tenants.AdminsAsync(user, tenantId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }

    /// <summary>Invites a tenant admin by e-mail; the same answer whether the address has an account or not.</summary>
    public static async Task<Results<Created<InvitationInfo>, ProblemHttpResult>> Invite(
        Guid tenantId, InviteRequest request, HttpContext http, TenantDirectory tenants, CancellationToken ct)
    {
        var outcome = await tenants.InviteAsync(http, tenantId, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/tenants/{tenantId}/invitations/{outcome.Value!.Id}", outcome.Value);
    }

    public static async Task<Results<Ok<List<InvitationInfo>>, ProblemHttpResult>> Invitations(
        Guid tenantId, TenantDirectory tenants, CancellationToken ct)
    {
        var outcome = await tenants.InvitationsAsync(tenantId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
    }
}
