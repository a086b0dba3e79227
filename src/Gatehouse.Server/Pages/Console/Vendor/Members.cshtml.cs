using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Invitations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Pages.Console.Vendor;

/// <summary>
/// An organisation's members. Whoever may see the organisation (<see cref="OrgAccess.CanSeeAsync"/>) sees the list;
/// whoever may manage its membership (<see cref="OrgAccess.CanManageMembersAsync"/>: owners, admins) invites by e-mail,
/// sees and revokes pending invitations and removes members. Everything goes through the API's handlers
/// (<see cref="OrganizationsApi"/>, <see cref="InvitationsApi.Revoke"/>); an organisation the caller may not see answers 404.
/// </summary>
public sealed class MembersModel(GatehouseDb db, OrgAccess access, InvitationService invitations, TimeProvider time) : PageModel
{
    public Organization? Org { get; private set; }
    public IReadOnlyList<MemberInfo> Members { get; private set; } = [];
    public bool CanManage { get; private set; }
    public IReadOnlyList<InvitationInfo> Pending { get; private set; } = [];
    public string? Error { get; private set; }
    public static IReadOnlyList<string> Roles => [OrganizationRoles.Member, OrganizationRoles.Owner];

    public async Task<IActionResult> OnGetAsync(Guid orgId, CancellationToken ct) => await LoadAsync(orgId, ct) ? Page() : NotFound();

    /// <summary>
    /// Invites by e-mail (<see cref="OrganizationsApi.Invite"/>). The answer names only the address typed: it is the
    /// same whether the address has an account or not.
    /// </summary>
    public async Task<IActionResult> OnPostInviteAsync(Guid orgId, string? email, string? role, [FromServices] IOptions<InvitationOptions> options, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(User, orgId, ct)) return NotFound();
        var result = await OrganizationsApi.Invite(orgId, new InviteRequest(email?.Trim(), role), HttpContext, access, db, invitations, options, time, ct);
        return await AfterAsync(orgId, result.Result, r => r is Created<InvitationInfo> c
            ? $"An invitation to join as {c.Value!.Role} is on its way to {c.Value.Email}. It works once, for that address, until {c.Value.ExpiresAt:yyyy-MM-dd HH:mm} UTC."
            : null, ct);
    }

    /// <summary>Revokes a pending invitation of THIS organisation (<see cref="InvitationsApi.Revoke"/>); another's answers as unknown.</summary>
    public async Task<IActionResult> OnPostRevokeAsync(Guid orgId, Guid invitationId, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(User, orgId, ct)) return NotFound();
        IResult result = await db.Set<Invitation>().AnyAsync(i => i.Id == invitationId && i.Kind == InvitationKinds.Organization && i.TargetId == orgId, ct)
            ? (await InvitationsApi.Revoke(invitationId, HttpContext, db, access, invitations, ct)).Result
            : Errors.Problems.NotFound("Invitation");
        return await AfterAsync(orgId, result, r => r is NoContent ? "The invitation is revoked: its link no longer works." : null, ct);
    }

    /// <summary>Removes a member (<see cref="OrganizationsApi.RemoveMember"/>); the owner of record cannot be removed.</summary>
    public async Task<IActionResult> OnPostRemoveAsync(Guid orgId, string? userId, [FromServices] AuditLog audit, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(User, orgId, ct)) return NotFound();
        var result = await OrganizationsApi.RemoveMember(orgId, userId ?? "", HttpContext, access, db, audit, ct);
        return await AfterAsync(orgId, result.Result, r => r is NoContent ? "The member is removed from the organisation." : null, ct);
    }

    /// <summary>Success: back to the page with the message. Refusal: the page again with the API's message.</summary>
    private async Task<IActionResult> AfterAsync(Guid orgId, IResult result, Func<IResult, string?> success, CancellationToken ct)
    {
        if (success(ApiOutcome.Inner(result)) is { } message)
        {
            TempData["Flash"] = message;
            return RedirectToPage(new { orgId });
        }
        Error = ApiOutcome.MessageOf(result) ?? "The change was refused.";
        db.ChangeTracker.Clear();
        return await LoadAsync(orgId, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid orgId, CancellationToken ct)
    {
        var members = ApiOutcome.Value<List<MemberInfo>>((await OrganizationsApi.Members(orgId, User, access, db, ct)).Result);
        if (members is null) return false;
        Members = members;
        Org = await db.Organizations.AsNoTracking().FirstAsync(o => o.Id == orgId, ct);
        CanManage = await access.CanManageMembersAsync(User, orgId, ct);
        if (CanManage)
        {
            var all = ApiOutcome.Value<List<InvitationInfo>>((await OrganizationsApi.Invitations(orgId, User, access, db, time, ct)).Result) ?? [];
            Pending = [.. all.Where(i => i.Status == "pending")];
        }
        return true;
    }
}
