using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Identity;

/// <summary>Staff two-factor authentication (TOTP), its enforcement, lock-out, recovery codes, sign-in throttling and cookie flags.</summary>
public sealed partial class TwoFactorTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const string Password = "correct horse battery";

    [GeneratedRegex("<code id=\"shared-key\">([^<]+)</code>")]
    private static partial Regex SharedKey();

    [GeneratedRegex("<code id=\"authenticator-uri\">([^<]+)</code>")]
    private static partial Regex KeyUri();

    [GeneratedRegex("<li><code>([A-Z0-9-]+)</code></li>")]
    private static partial Regex RecoveryCode();

    private static Task<List<string>> ActionsAsync(GatehouseApp app) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());

    /// <summary>The audit actions about <paramref name="user"/> (most of the class's tests share a server).</summary>
    private static Task<List<string>> ActionsAsync(GatehouseApp app, GatehouseUser user) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.Where(e => e.Subject == user.Id)
            .OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());

    private static Task<GatehouseUser> ReloadAsync(GatehouseApp app, GatehouseUser user) =>
        app.WithScopeAsync(async sp => (await sp.GetRequiredService<UserManager<GatehouseUser>>().FindByIdAsync(user.Id))!);

    private static async Task<string> CodeOf(HttpResponseMessage r) =>
        (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string path, string code) =>
        await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await FormLogin.FormTokenAsync(client, path), ["code"] = code,
        }));

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_reviewer_without_two_factor_is_sent_to_setup_and_refused_on_the_cookie_api_but_not_with_a_token(DbKind db)
    {
        var app = await servers.For(db);
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "rev", Password);
        using var client = FormLogin.CookieClient(app);
        var login = await FormLogin.PostLoginAsync(client, reviewer.Email!, Password);
        Assert.Equal("/account/", login.Headers.Location!.OriginalString);

        var console = await client.GetAsync("/console?tab=queue");
        Assert.Equal(HttpStatusCode.Redirect, console.StatusCode);
        Assert.Equal("/account/2fa/setup?returnUrl=" + Uri.EscapeDataString("/console?tab=queue"), console.Headers.Location!.OriginalString);

        var me = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Forbidden, me.StatusCode);
        Assert.Equal("auth.two-factor-required", await CodeOf(me));

        // Minting a token with the password-only session is refused the same way (the account page itself redirects).
        Assert.StartsWith("/account/2fa/setup", (await client.GetAsync("/account/")).Headers.Location!.OriginalString, StringComparison.Ordinal);
        var af = await FormLogin.FormTokenAsync(client, "/account/2fa/setup");
        var mint = await client.PostAsync("/account/tokens", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", af), new("name", "x"), new("days", "1"), new("scopes", "read")]));
        Assert.StartsWith("/account/2fa/setup", mint.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().PersonalAccessTokens.CountAsync(t => t.UserId == reviewer.Id)));

        var (token, _) = await app.IssueTokenAsync(reviewer.Id);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(token).GetAsync("/api/me")).StatusCode);

        // Developers are not asked for a second factor.
        var dev = await app.CreateUserAsync(Roles.Developer, "dev", Password);
        using var devClient = FormLogin.CookieClient(app);
        await FormLogin.PostLoginAsync(devClient, dev.Email!, Password);
        Assert.Equal(HttpStatusCode.OK, (await devClient.GetAsync("/api/me")).StatusCode);
        Assert.NotEqual("/account/2fa/setup", (await devClient.GetAsync("/console")).Headers.Location?.AbsolutePath);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_reviewer_enrols_then_needs_the_code_to_sign_in_and_a_recovery_code_works_once(DbKind db)
    {
        var app = await servers.For(db);
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "rev", Password);
        using var client = FormLogin.CookieClient(app);
        await FormLogin.PostLoginAsync(client, reviewer.Email!, Password);

        var setup = await client.GetStringAsync("/account/2fa/setup");
        var shown = SharedKey().Match(setup).Groups[1].Value;
        Assert.Matches("^([a-z2-7]{4} )+[a-z2-7]{1,4}$", shown);
        var key = shown.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        Assert.Equal(WebUtility.HtmlEncode($"otpauth://totp/Gatehouse:{reviewer.Email}?secret={key}&issuer=Gatehouse&digits=6&period=30"),
            KeyUri().Match(setup).Groups[1].Value);
        Assert.Equal(shown, SharedKey().Match(await client.GetStringAsync("/account/2fa/setup")).Groups[1].Value); // stable until confirmed

        var wrong = await PostCodeAsync(client, "/account/2fa/setup", Totp.WrongCode(key));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("role=\"alert\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await ReloadAsync(app, reviewer)).TwoFactorEnabled);

        var right = await PostCodeAsync(client, "/account/2fa/setup", Totp.Code(key));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        var codes = RecoveryCode().Matches(await right.Content.ReadAsStringAsync()).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(10, codes.Distinct().Count());
        Assert.True((await ReloadAsync(app, reviewer)).TwoFactorEnabled);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode); // the enrolling session goes on
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console")).StatusCode);

        // A new sign-in: the password alone is not a session.
        using var second = FormLogin.CookieClient(app);
        var pw = await FormLogin.PostLoginAsync(second, reviewer.Email!, Password);
        Assert.Equal("/account/2fa", pw.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/me")).StatusCode);
        // The code that confirmed the setup is spent (a code works once); the app's next code signs in.
        var done = await PostCodeAsync(second, "/account/2fa", Totp.Code(key, TimeProvider.System.GetUtcNow().AddSeconds(30)));
        Assert.Equal("/account/", done.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/me")).StatusCode);

        // A recovery code instead of the app's code, once.
        using var third = FormLogin.CookieClient(app);
        await FormLogin.PostLoginAsync(third, reviewer.Email!, Password);
        Assert.Equal("/account/", (await PostCodeAsync(third, "/account/2fa", codes[3].ToLowerInvariant())).Headers.Location!.OriginalString);
        using var fourth = FormLogin.CookieClient(app);
        await FormLogin.PostLoginAsync(fourth, reviewer.Email!, Password);
        Assert.Equal("/account/2fa?error=1", (await PostCodeAsync(fourth, "/account/2fa", codes[3])).Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fourth.GetAsync("/api/me")).StatusCode);

        var actions = await ActionsAsync(app, reviewer);
        Assert.Contains(AuditActions.TwoFactorEnabled, actions);
        Assert.Equal(2, actions.Count(a => a == AuditActions.TwoFactorSucceeded));
        Assert.Single(actions, a => a == AuditActions.RecoveryCodeUsed);
        Assert.Single(actions, a => a == AuditActions.TwoFactorFailed);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Five_wrong_codes_lock_the_account_and_the_return_url_survives_the_second_step(DbKind db)
    {
        var app = await servers.For(db);
        var admin = await app.CreateUserAsync(Roles.Admin, "adm", Password);
        var key = await app.EnrollTotpAsync(admin);
        using var client = FormLogin.CookieClient(app);

        var login = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = admin.Email!, ["password"] = Password, ["returnUrl"] = "/console/admin",
            ["__RequestVerificationToken"] = await FormLogin.FormTokenAsync(client),
        }));
        Assert.Equal("/account/2fa?returnUrl=%2Fconsole%2Fadmin", login.Headers.Location!.OriginalString);
        Assert.Contains("name=\"returnUrl\" value=\"/console/admin\"", await client.GetStringAsync("/account/2fa?returnUrl=%2Fconsole%2Fadmin"), StringComparison.Ordinal);

        for (var i = 0; i < 4; i++)
            Assert.Equal("/account/2fa?error=1", (await PostCodeAsync(client, "/account/2fa", Totp.WrongCode(key))).Headers.Location!.OriginalString);
        Assert.Equal("/account/login?error=1", (await PostCodeAsync(client, "/account/2fa", "AAAAA-BBBBB")).Headers.Location!.OriginalString);
        var locked = await ReloadAsync(app, admin);
        Assert.True(locked.LockoutEnd > TimeProvider.System.GetUtcNow().AddMinutes(10));

        // Even the right password and the right code do not get in now.
        using var again = FormLogin.CookieClient(app);
        Assert.Equal("/account/login?error=1", (await FormLogin.PostLoginAsync(again, admin.Email!, Password)).Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.GetAsync("/api/me")).StatusCode);
        var actions = await ActionsAsync(app, admin);
        Assert.Equal(5, actions.Count(a => a == AuditActions.TwoFactorFailed));
        Assert.Contains(AuditActions.LoginLockedOut, actions);
        Assert.DoesNotContain(AuditActions.TwoFactorSucceeded, actions);
    }

    [Fact]
    public async Task Sign_in_posts_beyond_the_limit_are_answered_429_with_retry_after_and_audited()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, new Dictionary<string, string?> { ["Gatehouse:LoginRateLimitPerMinute"] = "3" });
        using var client = FormLogin.CookieClient(app);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.Redirect, (await FormLogin.PostLoginAsync(client, "nobody@example.test", "wrong password " + i)).StatusCode);
        var throttled = await FormLogin.PostLoginAsync(client, "nobody@example.test", "wrong password");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var retry = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retry, 1, 60);
        Assert.Contains("Too many sign-in attempts", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var second = await client.PostAsync("/account/2fa", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "123456" }));
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode); // the second step shares the budget
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode); // the form itself is not limited
        Assert.Single(await ActionsAsync(app), a => a == AuditActions.LoginThrottled);
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_same_site_strict_and_secure_outside_testing()
    {
        var app = await servers.For(DbKind.Sqlite);
        var dev = await app.CreateUserAsync(Roles.Developer, "dev", Password);
        using (var client = FormLogin.CookieClient(app))
        {
            var cookie = string.Join(";", (await FormLogin.PostLoginAsync(client, dev.Email!, Password)).Headers.GetValues("Set-Cookie"));
            Assert.Contains("gatehouse.session=", cookie, StringComparison.Ordinal);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Equal(CookieSecurePolicy.SameAsRequest, app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(IdentityConstants.ApplicationScheme).Cookie.SecurePolicy); // Testing runs over plain http

        // The same server in Production: Secure, always.
        await using var production = app.WithWebHostBuilder(b => b.UseEnvironment("Production"));
        var monitor = production.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>();
        Assert.Equal(CookieSecurePolicy.Always, monitor.Get(IdentityConstants.ApplicationScheme).Cookie.SecurePolicy);
        Assert.Equal(CookieSecurePolicy.Always, monitor.Get(IdentityConstants.TwoFactorUserIdScheme).Cookie.SecurePolicy);
        using var https = production.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });
        var login = await FormLogin.PostLoginAsync(https, dev.Email!, Password);
        var session = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gatehouse.session=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
    }
}
