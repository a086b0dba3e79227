using Gatehouse.Server.Audit;
using Gatehouse.Server.Invitations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Console.Invitations;

/// <summary>
/// Where the invitation e-mail's link leads: the signed-in person sees what accepting means and accepts with a POST
/// (a GET never accepts, so link scanners and prefetchers cannot use the token). Acceptance goes through
/// <see cref="InvitationsApi.Accept"/>, so the rules and the audit are the API's.
/// </summary>
public sealed class AcceptModel(InvitationService invitations, AuditLog audit) : PageModel
{
    public string? Token { get; private set; }
    public string? Email => User.Identity?.Name;
    public string? Error { get; private set; }

    public void OnGet(string? token) => Token = token;

    public async Task<IActionResult> OnPostAsync(string? token, CancellationToken ct)
    {
        Token = token;
        var result = await InvitationsApi.Accept(new AcceptInvitationRequest(token?.Trim()), HttpContext, invitations, audit, ct);
        if (result.Result is Ok<AcceptedInvitation> ok)
        {
            var joined = ok.Value!;
            TempData["Flash"] = joined.Kind == InvitationKinds.Tenant
                ? "You are now an admin of the tenant." : $"You are now a {joined.Role} of the vendor organisation.";
            return Redirect(joined.Kind == InvitationKinds.Tenant ? "/console/customer" : "/console/vendor");
        }
        Error = result.Result is ProblemHttpResult p ? p.ProblemDetails.Detail : "The invitation could not be accepted.";
        return Page();
    }
}
