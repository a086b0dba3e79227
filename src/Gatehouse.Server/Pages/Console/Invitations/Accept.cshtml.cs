using Gatehouse.Server.Invitations;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Invitations;

/// <summary>
/// Where the invitation e-mail's link leads: the signed-in person sees what accepting means and accepts with a POST
/// (a GET never accepts, so link scanners and prefetchers cannot use the token). Acceptance goes through
/// <see cref="InvitationRequests.AcceptAsync"/>, as the API's, so the rules and the audit are the same.
/// </summary>
public sealed class AcceptModel(InvitationRequests invitations) : PageModel
{
    public string? Token { get; private set; }
    public string? Email => User.Identity?.Name;
    public string? Error { get; private set; }

    public void OnGet(string? token) => Token = token;

    public async Task<IActionResult> OnPostAsync(string? token, CancellationToken ct)
    {
        Token = token;
        var result = await invitations.AcceptAsync(HttpContext, new AcceptInvitationRequest(token?.Trim()), ct);
        if (result.Value is { } joined)
        {
            TempData["Flash"] = joined.Kind == InvitationKinds.Tenant
                ? "You are now an admin of the tenant." : $"You are now a {joined.Role} of the vendor organisation.";
            return Redirect(joined.Kind == InvitationKinds.Tenant ? "/console/customer" : "/console/vendor");
        }
        Error = result.Refusal?.Detail ?? "The invitation could not be accepted.";
        return Page();
    }
}
