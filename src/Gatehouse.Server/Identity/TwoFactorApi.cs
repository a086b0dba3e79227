using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using static Gatehouse.Server.Identity.HtmlPage;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;

namespace Gatehouse.Server.Identity;

/// <summary>
/// TOTP two-factor authentication (RFC 6238) for staff, on ASP.NET Core Identity's authenticator support:
/// <c>/account/2fa</c> (the second step of sign-in) and <c>/account/2fa/setup</c> (enrolment with a shared key,
/// then ten single-use recovery codes). See docs/console.md#security.
/// </summary>
internal static class TwoFactorApi
{
    public const string Issuer = "Gatehouse";
    public const int RecoveryCodeCount = 10;
    /// <summary>Identity marks a sign-in that used a second factor with this claim (RFC 8176 method <c>mfa</c>).</summary>
    public const string AmrClaim = "amr";
    public const string AmrMfa = "mfa";

    public static IEndpointRouteBuilder MapTwoFactorApi(this IEndpointRouteBuilder app)
    {
        // Anonymous: the caller holds only Identity's short-lived two-factor cookie (password checked, code not yet).
        // GET /account/2fa is the Razor Page Pages/Account/TwoFactor.cshtml.
        app.MapPost("/account/2fa", SubmitCode).AllowAnonymous().ExcludeFromDescription().RequireRateLimiting(TwoFactorSetup.LoginRateLimitPolicy).WithName("SubmitTwoFactorCode").WithSummary("Complete sign-in with an authenticator or recovery code.");
        app.MapGet("/account/2fa/setup", SetupPage).ExcludeFromDescription().WithName("TwoFactorSetupPage").WithSummary("Show the authenticator set-up page.");
        app.MapPost("/account/2fa/setup", ConfirmSetup).ExcludeFromDescription().WithName("ConfirmTwoFactorSetup").WithSummary("Turn on two-factor sign-in with a first authenticator code.");
        return app;
    }

    /// <summary>Form post of the second step. Wrong codes count towards lock-out like wrong passwords.</summary>
    public static async Task<IResult> SubmitCode([FromForm] string code, HttpContext http, SignInManager<GatehouseUser> signIn,
        UserManager<GatehouseUser> users, GatehouseDb db, AuditLog audit, [FromForm] string? returnUrl = null)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null) return Results.Redirect(LoginUrl(returnUrl));
        var client = http.Connection.RemoteIpAddress?.ToString();
        var compact = new string((code ?? "").Where(c => !char.IsWhiteSpace(c)).ToArray());
        var digits = compact.Replace("-", "", StringComparison.Ordinal);
        var isTotp = digits.Length == 6 && digits.All(char.IsAsciiDigit);
        // A sign-in's changes (the code's time step or the recovery code spent, the failed-attempt count reset) and its audit
        // entries commit together (issue 14); a failed attempt is audited on its own afterwards, as a refusal is.
        var result = await db.InTransactionAsync(async () =>
        {
            SignInResult r;
            if (isTotp)
            {
                r = await signIn.TwoFactorAuthenticatorSignInAsync(digits, isPersistent: false, rememberClient: false);
            }
            else
            {
                var before = await users.GetAccessFailedCountAsync(user);
                r = compact.Length is > 0 and <= 20
                    ? await signIn.TwoFactorRecoveryCodeSignInAsync(compact.ToUpperInvariant())
                    : SignInResult.Failed;
                // A wrong recovery code is a failed attempt too (Identity does not count it in every version).
                if (r == SignInResult.Failed && await users.GetAccessFailedCountAsync(user) == before)
                {
                    await users.AccessFailedAsync(user);
                    if (await users.IsLockedOutAsync(user)) r = SignInResult.LockedOut;
                }
            }
            if (r.Succeeded)
            {
                var method = isTotp ? "totp" : "recovery-code";
                audit.Record(db, new AuditEvent(AuditActions.TwoFactorSucceeded, user.Id, Subject: user.Id, ClientAddress: client, Data: new { method }));
                if (!isTotp)
                    audit.Record(db, new AuditEvent(AuditActions.RecoveryCodeUsed, user.Id, Subject: user.Id, ClientAddress: client,
                        Data: new { remaining = await users.CountRecoveryCodesAsync(user) }));
                audit.Record(db, new AuditEvent(AuditActions.LoginSucceeded, user.Id, Subject: user.Id, ClientAddress: client, Data: new { secondFactor = method }));
                await db.SaveChangesAsync(http.RequestAborted);
            }
            return r;
        }, http.RequestAborted);
        if (result.Succeeded) return Results.Redirect(AccountApi.IsLocalUrl(returnUrl) ? returnUrl! : "/account/");

        await audit.AppendAsync(new AuditEvent(AuditActions.TwoFactorFailed, user.Id, Subject: user.Id, ClientAddress: client,
            Data: new { method = isTotp ? "totp" : "recovery-code" }));
        if (result.IsLockedOut)
        {
            await audit.AppendAsync(new AuditEvent(AuditActions.LoginLockedOut, user.Id, Subject: user.Id, ClientAddress: client, Data: new { step = "2fa" }));
            await signIn.SignOutAsync(); // drops the two-factor cookie: start again after the lock-out
            return Results.Redirect(LoginUrl(returnUrl, error: true));
        }
        return Results.Redirect("/account/2fa?error=1" + (AccountApi.IsLocalUrl(returnUrl) ? "&returnUrl=" + Uri.EscapeDataString(returnUrl!) : ""));
    }

    /// <summary>Enrolment: the shared key and the otpauth URI, and a form to confirm with a first code.</summary>
    public static async Task<IResult> SetupPage(HttpContext http, IAntiforgery af, UserManager<GatehouseUser> users,
        SignInManager<GatehouseUser> signIn, [FromQuery] string? returnUrl = null)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null) return Results.Redirect(LoginUrl(returnUrl));
        if (await users.GetTwoFactorEnabledAsync(user))
            return Render("Two-factor authentication", $"""
                <p>Two-factor authentication is <strong>on</strong> for {E(user.Email)}. You have {await users.CountRecoveryCodesAsync(user)} unused recovery codes.</p>
                <p><a href="{E(Continue(returnUrl))}">Continue</a></p>
                """);
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            // The same key on every visit until it is confirmed, so an app already set up keeps working.
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
            await signIn.RefreshSignInAsync(user); // the reset changed the security stamp
        }
        return SetupForm(http, af, user, key!, returnUrl, error: false);
    }

    /// <summary>Confirms enrolment with a code; on success turns 2FA on and shows the recovery codes once.</summary>
    public static async Task<IResult> ConfirmSetup([FromForm] string code, HttpContext http, IAntiforgery af,
        UserManager<GatehouseUser> users, SignInManager<GatehouseUser> signIn, GatehouseDb db, AuditLog audit, [FromForm] string? returnUrl = null)
    {
        var user = await users.GetUserAsync(http.User);
        if (user is null) return Results.Redirect(LoginUrl(returnUrl));
        if (await users.GetTwoFactorEnabledAsync(user)) return Results.Redirect("/account/2fa/setup");
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key)) return Results.Redirect("/account/2fa/setup");
        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        var ok = digits.Length == 6 && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits);
        if (!ok) return SetupForm(http, af, user, key, returnUrl, error: true);

        // Identity's store saves through this request's GatehouseDb: two-factor on, the recovery codes and the audit entry
        // commit together (issue 14); the session is marked only once they are committed.
        var codes = await db.InTransactionAsync(async () =>
        {
            await users.SetTwoFactorEnabledAsync(user, true);
            var fresh = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount))?.ToList() ?? [];
            audit.Record(db, AuditEvent.By(http, AuditActions.TwoFactorEnabled, subject: user.Id, data: new { recoveryCodes = fresh.Count }));
            await db.SaveChangesAsync(http.RequestAborted);
            return fresh;
        }, http.RequestAborted);
        // This session has just shown a code from the authenticator, as a two-factor sign-in does: mark it so (amr=mfa),
        // which is what minting an admin-scope token asks for. Other sessions end at their next stamp check.
        await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new System.Security.Claims.Claim(AmrClaim, AmrMfa)]);
        var list = string.Join("", codes.Select(c => $"<li><code>{E(c)}</code></li>"));
        return Render("Recovery codes", $"""
            <p role="status">Two-factor authentication is now on.</p>
            <p>Keep these recovery codes somewhere safe, away from your authenticator device. Each signs you in once if you lose the device. They are shown only now.</p>
            <ul id="recovery-codes">{list}</ul>
            <p><a href="{E(Continue(returnUrl))}">Continue</a></p>
            """);
    }

    /// <summary>
    /// The key as people type it: lower case, in groups of four (as Identity's own UI shows it).
    /// </summary>
    public static string FormatKey(string key)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }
        return sb.ToString().ToLowerInvariant();
    }

    /// <summary>Key URI for authenticator apps (Google Authenticator's documented format).</summary>
    public static string AuthenticatorUri(string email, string key) =>
        string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{UrlEncoder.Default.Encode(Issuer)}:{UrlEncoder.Default.Encode(email)}?secret={key}&issuer={UrlEncoder.Default.Encode(Issuer)}&digits=6&period=30");

    private static IResult SetupForm(HttpContext http, IAntiforgery af, GatehouseUser user, string key, string? returnUrl, bool error)
    {
        var t = af.GetAndStoreTokens(http);
        var back = AccountApi.IsLocalUrl(returnUrl) ? $"""<input type="hidden" name="returnUrl" value="{E(returnUrl)}">""" : "";
        var message = error ? "<p role=\"alert\">That code was not accepted. Check that the key was entered correctly and that the device's clock is right, then try the newest code.</p>" : "";
        return Render("Set up two-factor authentication", $"""
            {message}
            <p>Reviewers and administrators must use a second factor. Add Gatehouse to an authenticator app (any app that supports TOTP, RFC 6238), then enter the code it shows.</p>
            <h2>1. Add the key to your app</h2>
            <p>Shared key (enter it by hand, spaces do not matter):</p>
            <p><code id="shared-key">{E(FormatKey(key))}</code></p>
            <p>Or paste this key URI into an app that accepts one:</p>
            <p><code id="authenticator-uri">{E(AuthenticatorUri(user.Email ?? user.UserName ?? "", key))}</code></p>
            <h2>2. Confirm with a code</h2>
            <form method="post" action="/account/2fa/setup">
              <input type="hidden" name="{E(t.FormFieldName)}" value="{E(t.RequestToken)}">
              {back}
              <p><label for="code">6-digit code from the app</label><br><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required maxlength="7"></p>
              <p><button type="submit">Turn on two-factor authentication</button></p>
            </form>
            """, error ? 400 : 200);
    }

    private static string Continue(string? returnUrl) => AccountApi.IsLocalUrl(returnUrl) ? returnUrl! : "/console";

    internal static string LoginUrl(string? returnUrl, bool error = false)
    {
        var q = new List<string>();
        if (error) q.Add("error=1");
        if (AccountApi.IsLocalUrl(returnUrl)) q.Add("returnUrl=" + Uri.EscapeDataString(returnUrl!));
        return "/account/login" + (q.Count > 0 ? "?" + string.Join("&", q) : "");
    }
}
