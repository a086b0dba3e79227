using Gatehouse.Server.Invitations;
using Gatehouse.Server.OAuth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Admin;

/// <summary>
/// Tenants (the marketplace's customers): create one, invite its admins by e-mail, see its admins and invitations,
/// revoke a pending invitation. Every read and change calls the service the JSON API uses (<see cref="TenantDirectory"/>,
/// <see cref="InvitationRequests"/>), so the rules, the limits and the audit entries are the same. The invited
/// person becomes an admin only by accepting at <c>/console/invitations/accept</c>.
/// </summary>
public sealed class TenantsModel(TenantDirectory tenants, InvitationRequests invitations) : PageModel
{
    /// <summary>A tenant, its admins, and its invitations that are still pending.</summary>
    public sealed record TenantRow(TenantInfo Tenant, IReadOnlyList<TenantAdminInfo> Admins, IReadOnlyList<InvitationInfo> Pending);

    public IReadOnlyList<TenantRow> Tenants { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var rows = new List<TenantRow>();
        foreach (var t in await tenants.ListAsync(User, ct))
        {
            var admins = (await tenants.AdminsAsync(User, t.Id, ct)).Value ?? [];
            var all = (await tenants.InvitationsAsync(t.Id, ct)).Value ?? [];
            rows.Add(new TenantRow(t, admins, [.. all.Where(i => i.Status == "pending")]));
        }
        Tenants = rows;
    }

    /// <summary>Creates a tenant (<see cref="TenantDirectory.CreateAsync"/>).</summary>
    public async Task<IActionResult> OnPostCreateAsync(string? name, CancellationToken ct)
    {
        var result = await tenants.CreateAsync(HttpContext, new CreateTenantRequest(name), ct);
        return Done(result.Refusal, result.Value is { } c ? $"Tenant {c.Name} is created. Invite its first admin below." : null);
    }

    /// <summary>
    /// Invites a tenant admin (<see cref="TenantDirectory.InviteAsync"/>). The answer is the same whether the address has an
    /// account or not: the service never looks it up.
    /// </summary>
    public async Task<IActionResult> OnPostInviteAsync(Guid tenantId, string? email, CancellationToken ct)
    {
        var result = await tenants.InviteAsync(HttpContext, tenantId, new InviteRequest(email?.Trim(), "admin"), ct);
        return Done(result.Refusal, result.Value is { } c
            ? $"An invitation to administer the tenant is on its way to {c.Email}. It works once, for that address, until {c.ExpiresAt:yyyy-MM-dd HH:mm} UTC."
            : null);
    }

    /// <summary>Revokes a pending tenant invitation (<see cref="InvitationRequests.RevokeAsync"/>).</summary>
    public async Task<IActionResult> OnPostRevokeAsync(Guid invitationId, CancellationToken ct)
    {
        var result = await invitations.RevokeAsync(HttpContext, invitationId, ct);
        return Done(result.Refusal, "The invitation is revoked: its link no longer works.");
    }

    private RedirectToPageResult Done(Errors.Refusal? refusal, string? success)
    {
        if (refusal is null && success is not null) TempData["Flash"] = success;
        else TempData["AdminError"] = refusal?.Message ?? "The change was refused.";
        return RedirectToPage();
    }
}
