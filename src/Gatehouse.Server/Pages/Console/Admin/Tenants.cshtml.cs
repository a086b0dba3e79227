using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Invitations;
using Gatehouse.Server.OAuth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Pages.Console.Admin;

/// <summary>
/// Tenants (the marketplace's customers): create one, invite its admins by e-mail, see its admins and invitations,
/// revoke a pending invitation. Every read and change calls the JSON API's own handler (<see cref="TenantsApi"/>,
/// <see cref="InvitationsApi.Revoke"/>), so the rules, the limits and the audit entries are the same. The invited
/// person becomes an admin only by accepting at <c>/console/invitations/accept</c>.
/// </summary>
public sealed class TenantsModel(GatehouseDb db, OrgAccess access, InvitationService invitations, TimeProvider time) : PageModel
{
    /// <summary>A tenant, its admins, and its invitations that are still pending.</summary>
    public sealed record TenantRow(TenantInfo Tenant, IReadOnlyList<TenantAdminInfo> Admins, IReadOnlyList<InvitationInfo> Pending);

    public IReadOnlyList<TenantRow> Tenants { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var rows = new List<TenantRow>();
        foreach (var t in (await TenantsApi.List(User, access, db, ct)).Value!)
        {
            var admins = ApiOutcome.Value<List<TenantAdminInfo>>((await TenantsApi.Admins(t.Id, User, access, db, ct)).Result) ?? [];
            var all = ApiOutcome.Value<List<InvitationInfo>>((await TenantsApi.Invitations(t.Id, db, time, ct)).Result) ?? [];
            rows.Add(new TenantRow(t, admins, [.. all.Where(i => i.Status == "pending")]));
        }
        Tenants = rows;
    }

    /// <summary>Creates a tenant (<see cref="TenantsApi.Create"/>).</summary>
    public async Task<IActionResult> OnPostCreateAsync(string? name, [FromServices] AuditLog audit, CancellationToken ct)
    {
        var result = await TenantsApi.Create(new CreateTenantRequest(name), HttpContext, db, audit, ct);
        return Done(result.Result, r => r is Created<TenantInfo> c ? $"Tenant {c.Value!.Name} is created. Invite its first admin below." : null);
    }

    /// <summary>
    /// Invites a tenant admin (<see cref="TenantsApi.Invite"/>). The answer is the same whether the address has an
    /// account or not: the API never looks it up.
    /// </summary>
    public async Task<IActionResult> OnPostInviteAsync(Guid tenantId, string? email, [FromServices] IOptions<InvitationOptions> options, CancellationToken ct)
    {
        var result = await TenantsApi.Invite(tenantId, new InviteRequest(email?.Trim(), "admin"), HttpContext, db, invitations, options, time, ct);
        return Done(result.Result, r => r is Created<InvitationInfo> c
            ? $"An invitation to administer the tenant is on its way to {c.Value!.Email}. It works once, for that address, until {c.Value.ExpiresAt:yyyy-MM-dd HH:mm} UTC."
            : null);
    }

    /// <summary>Revokes a pending tenant invitation (<see cref="InvitationsApi.Revoke"/>).</summary>
    public async Task<IActionResult> OnPostRevokeAsync(Guid invitationId, CancellationToken ct)
    {
        var result = await InvitationsApi.Revoke(invitationId, HttpContext, db, access, invitations, ct);
        return Done(result.Result, r => r is NoContent ? "The invitation is revoked: its link no longer works." : null);
    }

    private RedirectToPageResult Done(IResult result, Func<IResult, string?> success)
    {
        if (success(result) is { } message) TempData["Flash"] = message;
        else TempData["AdminError"] = ApiOutcome.MessageOf(result) ?? "The change was refused.";
        return RedirectToPage();
    }
}
