using System.Security.Claims;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Console;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using static Gatehouse.Server.Identity.HtmlPage;

namespace Gatehouse.Server.Identity;

/// <summary>Console sign-in (cookie + antiforgery), the account page, and who-am-I.</summary>
internal static class AccountApi
{
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();
        // GET /account/login is the Razor Page Pages/Account/Login.cshtml.
        account.MapPost("/login", Login).AllowAnonymous().RequireRateLimiting(TwoFactorSetup.LoginRateLimitPolicy).WithName("Login").WithSummary("Sign in to the console with e-mail and password.");
        account.MapPost("/logout", Logout).WithMetadata(new RequireAntiforgeryTokenAttribute()).WithName("Logout").WithSummary("Sign out of the console.");
        account.MapGet("/", AccountPage).WithName("AccountPage").WithSummary("Show the signed-in person's account page.");
        account.MapPost("/tokens", CreateTokenFromForm).RequireAuthorization(Policies.Write).WithName("CreateTokenFromForm").WithSummary("Create a personal access token from the account page form.");

        var api = app.MapGroup("/api").WithTags("Account");
        api.MapGet("/me", Me).RequireAuthorization(Policies.Read).WithName("GetMe").WithSummary("Get the caller: user, roles, organisations and scopes.");
        api.MapGet("/antiforgery", AntiforgeryToken).WithName("GetAntiforgeryToken").WithSummary("Get a token for the X-CSRF-TOKEN header of cookie-authenticated calls.");
        return app;
    }

    /// <summary>Form post: antiforgery is validated by the framework for form-bound endpoints.</summary>
    public static async Task<IResult> Login(
        [FromForm] string email, [FromForm] string password, HttpContext http,
        SignInManager<GatehouseUser> signIn, UserManager<GatehouseUser> users, AuditLog audit, DecoyPasswordCheck decoy,
        [FromForm] string? returnUrl = null)
    {
        var user = await users.FindByEmailAsync(email);
        // Identity hashes the password only for a known account that is not locked out; answer the others after the
        // same work, so the time taken does not tell which addresses have accounts (or which are locked).
        if (user is null || await users.IsLockedOutAsync(user)) decoy.Verify(password);
        var result = user is null
            ? Microsoft.AspNetCore.Identity.SignInResult.Failed
            : await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        var client = http.Connection.RemoteIpAddress?.ToString();
        if (result.Succeeded)
        {
            await audit.AppendAsync(new AuditEvent(AuditActions.LoginSucceeded, user!.Id, Subject: user.Id, ClientAddress: client));
            // Back to where sign-in was asked for (e.g. an app's installation at /connect/authorize), if it is ours.
            return Results.Redirect(IsLocalUrl(returnUrl) ? returnUrl! : "/account/");
        }
        if (result.RequiresTwoFactor) // password right; the second step is /account/2fa (TwoFactorApi)
            return Results.Redirect("/account/2fa" + (IsLocalUrl(returnUrl) ? "?returnUrl=" + Uri.EscapeDataString(returnUrl!) : ""));
        var action = result.IsLockedOut ? AuditActions.LoginLockedOut : AuditActions.LoginFailed;
        // Record the attempted name (not the password) so brute force shows up in the log.
        await audit.AppendAsync(new AuditEvent(action, user?.Id ?? "anonymous", Subject: user?.Id, ClientAddress: client,
            Data: new { email = email.Length > 200 ? email[..200] : email }));
        return Results.Redirect("/account/login?error=1" + (IsLocalUrl(returnUrl) ? "&returnUrl=" + Uri.EscapeDataString(returnUrl!) : ""));
    }

    /// <summary>
    /// A path on this server (<c>/…</c>), never another origin: not <c>//host</c>, not <c>/\host</c>, no scheme,
    /// no control characters. Anything else is ignored, so the login form cannot be used as an open redirect.
    /// </summary>
    public static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 4000 && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(c => char.IsControl(c) || c == '\\');

    public static async Task<IResult> Logout(HttpContext http, SignInManager<GatehouseUser> signIn, AuditLog audit)
    {
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.Logout));
        await signIn.SignOutAsync();
        return Results.Redirect("/account/login");
    }

    /// <summary>The signed-in person's page: who they are and a form to create a token for the CLI.</summary>
    public static async Task<IResult> AccountPage(HttpContext http, IAntiforgery af, UserManager<GatehouseUser> users)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null) return Results.Redirect("/account/login");
        var roles = await users.GetRolesAsync(user);
        var t = af.GetAndStoreTokens(http);
        var scopeBoxes = string.Join("", Scopes.AllowedFor(roles).Select(s =>
            $"<label><input type=\"checkbox\" name=\"scopes\" value=\"{E(s)}\" checked> {E(s)}</label> "));
        var needs2fa = http.User.IsStaff() && !user.TwoFactorEnabled
            ? "<p role=\"alert\">Your role needs two-factor authentication: <a href=\"/account/2fa/setup\">set up two-factor authentication</a>.</p>" : "";
        return Render("Your account", $"""
            <p>Signed in as <strong>{E(user.Email)}</strong> ({E(string.Join(", ", roles))}).</p>
            {needs2fa}
            <h2>Create a personal access token</h2>
            <p>For <code>gatehouse login --server URL --token -</code>. The token is shown once.</p>
            <form method="post" action="/account/tokens">
              <input type="hidden" name="{E(t.FormFieldName)}" value="{E(t.RequestToken)}">
              <p><label for="name">Name</label><br><input id="name" name="name" required maxlength="100" value="cli"></p>
              <p><label for="days">Valid for (days)</label><br><input id="days" name="days" type="number" min="1" max="366" value="90"></p>
              <fieldset><legend>Scopes</legend>{scopeBoxes}</fieldset>
              <p><button type="submit">Create token</button></p>
            </form>
            <form method="post" action="/account/logout"><input type="hidden" name="{E(t.FormFieldName)}" value="{E(t.RequestToken)}"><button type="submit">Sign out</button></form>
            """);
    }

    public static async Task<IResult> CreateTokenFromForm(
        IFormCollection form, HttpContext http, TokenService tokens, AuditLog audit, CancellationToken ct)
    {
        // IFormCollection (not string[] binding) so antiforgery applies and multi-valued scopes bind.
        int? days = int.TryParse(form["days"], System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
        var issued = await TokensApi.IssueForCallerAsync(http, tokens, audit, form["name"], form["scopes"].Where(s => s is not null).Select(s => s!).ToList(), days, ct);
        if (issued.Error is not null) return Render("Token not created", $"<p role=\"alert\">{E(issued.Error)}</p>", issued.NeedsTwoFactor ? 403 : 400);
        return Render("Token created", $"""
            <p>Copy it now; it is not shown again.</p>
            <p><code>{E(issued.Token)}</code></p>
            <p>Expires {E(issued.Record!.ExpiresAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture))}; scopes: {E(issued.Record.Scopes)}.</p>
            <p><a href="/account/">Back</a></p>
            """);
    }

    /// <summary>Who is calling: user, roles, organisations, and the scopes of this session or token.</summary>
    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(
        ClaimsPrincipal principal, UserManager<GatehouseUser> users, GatehouseDb db, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(principal.Id());
        if (user is null) return Problems.NotFound("User");
        var roles = await users.GetRolesAsync(user);
        var orgs = await db.OrganizationMembers.Where(m => m.UserId == user.Id)
            .Select(m => new MeOrganization(m.OrganizationId, m.Organization!.Name, m.Role))
            .ToListAsync(ct);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email ?? "", user.DisplayName, roles.Order().ToList(),
            orgs, principal.ScopeClaims()));
    }

    /// <summary>Token for the <c>X-CSRF-TOKEN</c> header of cookie-authenticated API calls.</summary>
    public static Ok<AntiforgeryResponse> AntiforgeryToken(HttpContext http, IAntiforgery af)
    {
        var t = af.GetAndStoreTokens(http);
        return TypedResults.Ok(new AntiforgeryResponse(AuthSetup.AntiforgeryHeader, t.RequestToken!));
    }
}

internal sealed record MeOrganization(Guid Id, string Name, string Role);
internal sealed record MeResponse(string Id, string Email, string? DisplayName, IReadOnlyList<string> Roles,
    IReadOnlyList<MeOrganization> Organizations, IReadOnlyList<string> Scopes);
internal sealed record AntiforgeryResponse(string HeaderName, string Token);
