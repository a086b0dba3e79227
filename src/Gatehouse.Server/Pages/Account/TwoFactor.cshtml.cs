using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Account;

/// <summary>
/// <c>GET /account/2fa</c>: the second sign-in step, a code from the authenticator app or a recovery code.
/// Anonymous: the caller holds only Identity's short-lived two-factor cookie (password checked, code not yet);
/// without it, back to sign-in. The form posts to <c>POST /account/2fa</c> (<see cref="TwoFactorApi.SubmitCode"/>).
/// </summary>
[AllowAnonymous]
public sealed class TwoFactorModel(SignInManager<GatehouseUser> signIn) : PageModel
{
    /// <summary>Set after a code was not accepted (<c>?error=1</c>).</summary>
    public bool Failed { get; private set; }

    /// <summary>Where to go after signing in, when it is a path on this server.</summary>
    public string? ReturnUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? error, string? returnUrl)
    {
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null) return Redirect(TwoFactorApi.LoginUrl(returnUrl));
        Failed = error is not null;
        ReturnUrl = AccountApi.IsLocalUrl(returnUrl) ? returnUrl : null;
        return Page();
    }
}
