using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gatehouse.Server.Pages.Account;

/// <summary>
/// <c>GET /account/login</c>: the form a person signs in with. The form posts to <c>POST /account/login</c>
/// (<see cref="AccountApi.Login"/>: rate-limited, audited), which answers with redirects only.
/// </summary>
[AllowAnonymous]
public sealed class LoginModel : PageModel
{
    /// <summary>Set after a failed attempt (<c>?error=1</c>).</summary>
    public bool Failed { get; private set; }

    /// <summary>Where to go after signing in, when it is a path on this server (never another origin).</summary>
    public string? ReturnUrl { get; private set; }

    public void OnGet(string? error, string? returnUrl)
    {
        Failed = error is not null;
        ReturnUrl = AccountApi.IsLocalUrl(returnUrl) ? returnUrl : null;
    }
}
