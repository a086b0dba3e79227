using Gatehouse.Server.Identity;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Invitations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>
/// An organisation's members. Whoever may see the organisation (<see cref="OrgAccess.CanSeeAsync"/>) sees the list;
/// whoever may manage its membership (<see cref="OrgAccess.CanManageMembersAsync"/>: owners, admins) invites by e-mail,
/// sees and revokes pending invitations and removes members. Everything goes through the services the API uses
/// (<see cref="OrganizationDirectory"/>, <see cref="InvitationRequests"/>); an organisation the caller may not see answers 404.
/// </summary>
public sealed class MembersModel(GatehouseDb db, OrgAccess access, OrganizationDirectory organizations, InvitationRequests invitationRequests) : PageModel
{
    public Organization? Org { get; private set; }
    public IReadOnlyList<MemberInfo> Members { get; private set; } = [];
    public bool CanManage { get; private set; }
    public IReadOnlyList<InvitationInfo> Pending { get; private set; } = [];
    public string? Error { get; private set; }
    public static IReadOnlyList<string> Roles => [OrganizationRoles.Member, OrganizationRoles.Owner];

    public async Task<IActionResult> OnGetAsync(Guid orgId, CancellationToken ct) => await LoadAsync(orgId, ct) ? Page() : NotFound();

    /// <summary>
    /// Invites by e-mail (<see cref="OrganizationDirectory.InviteAsync"/>). The answer names only the address typed: it is the
    /// same whether the address has an account or not.
    /// </summary>
    public async Task<IActionResult> OnPostInviteAsync(Guid orgId, string? email, string? role, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(User, orgId, ct)) return NotFound();
        var result = await organizations.InviteAsync(HttpContext, orgId, new InviteRequest(email?.Trim(), role), ct);
        return await AfterAsync(orgId, result.Refusal, result.Value is { } c
            ? $"An invitation to join as {c.Role} is on its way to {c.Email}. It works once, for that address, until {c.ExpiresAt:yyyy-MM-dd HH:mm} UTC."
            : null, ct);
    }

    /// <summary>Revokes a pending invitation of THIS organisation (<see cref="InvitationRequests.RevokeAsync"/>); another's answers as unknown.</summary>
    public async Task<IActionResult> OnPostRevokeAsync(Guid orgId, Guid invitationId, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(User, orgId, ct)) return NotFound();
        var refusal = await db.Set<Invitation>().AnyAsync(i => i.Id == invitationId && i.Kind == InvitationKinds.Organization && i.TargetId == orgId, ct)
            ? (await invitationRequests.RevokeAsync(HttpContext, invitationId, ct)).Refusal
            : Refusal.NotFound("Invitation");
        return await AfterAsync(orgId, refusal, "The invitation is revoked: its link no longer works.", ct);
    }

    /// <summary>Removes a member (<see cref="OrganizationDirectory.RemoveMemberAsync"/>); the owner of record cannot be removed.</summary>
    public async Task<IActionResult> OnPostRemoveAsync(Guid orgId, string? userId, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(User, orgId, ct)) return NotFound();
        var result = await organizations.RemoveMemberAsync(HttpContext, orgId, userId ?? "", ct);
        return await AfterAsync(orgId, result.Refusal, "The member is removed from the organisation.", ct);
    }

    /// <summary>Success: back to the page with the message. Refusal: the page again with the service's message.</summary>
    private async Task<IActionResult> AfterAsync(Guid orgId, Refusal? refusal, string? success, CancellationToken ct)
    {
        if (refusal is null && success is not null)
        {
            TempData["Flash"] = success;
            return RedirectToPage(new { orgId });
        }
        Error = refusal?.Message ?? "The change was refused.";
        db.ChangeTracker.Clear();
        return await LoadAsync(orgId, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid orgId, CancellationToken ct)
    {
        var members = (await organizations.MembersAsync(User, orgId, ct)).Value;
        if (members is null) return false;
        Members = members;
        Org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        CanManage = await access.CanManageMembersAsync(User, orgId, ct);
        if (CanManage)
        {
            var all = (await organizations.InvitationsAsync(User, orgId, ct)).Value ?? [];
            Pending = [.. all.Where(i => i.Status == "pending")];
        }
        return true;
    }
}
