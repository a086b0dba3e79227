using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Tests.Identity;

/// <summary>
/// Issue 12 item 5: a TOTP code works once (across processes), staff without 2FA reach nothing but the setup
/// (OAuth consent and the cookie API included), and sign-in costs a password hash whether or not the account exists.
/// </summary>
public sealed partial class OneTimeCodeAndTimingTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const string Password = "correct horse battery";

    [GeneratedRegex("<code id=\"shared-key\">([^<]+)</code>")]
    private static partial Regex SharedKey();

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string path, string code) =>
        await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await FormLogin.FormTokenAsync(client, path), ["code"] = code,
        }));

    private static async Task<string?> SecondStepAsync(GatehouseApp app, string email, string code)
    {
        using var client = FormLogin.CookieClient(app);
        var pw = await FormLogin.PostLoginAsync(client, email, Password);
        Assert.Equal("/account/2fa", pw.Headers.Location!.OriginalString);
        return (await PostCodeAsync(client, "/account/2fa", code)).Headers.Location?.OriginalString;
    }

    [Fact]
    public async Task A_totp_code_is_accepted_once_for_setup_and_sign_in_even_by_another_process()
    {
        var app = await servers.For(DbKind.Sqlite);
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "rev", Password);
        using var enrolling = FormLogin.CookieClient(app);
        await FormLogin.PostLoginAsync(enrolling, reviewer.Email!, Password);
        var key = SharedKey().Match(await enrolling.GetStringAsync("/account/2fa/setup")).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var now = TimeProvider.System.GetUtcNow();
        var first = Totp.Code(key, now);
        Assert.Equal(HttpStatusCode.OK, (await PostCodeAsync(enrolling, "/account/2fa/setup", first)).StatusCode);

        // The code that confirmed the setup does not sign in; the next one does, once.
        Assert.Equal("/account/2fa?error=1", await SecondStepAsync(app, reviewer.Email!, first));
        var next = Totp.Code(key, now.AddSeconds(30));
        Assert.Equal("/account/", await SecondStepAsync(app, reviewer.Email!, next));
        Assert.Equal("/account/2fa?error=1", await SecondStepAsync(app, reviewer.Email!, next));

        // Another server on the same database (a second machine, or after a restart) refuses it too,
        // and an older code of the drift window is no way around it.
        await using var sibling = app.StartSibling();
        Assert.Equal("/account/2fa?error=1", await SecondStepAsync(sibling, reviewer.Email!, next));
        Assert.Equal("/account/2fa?error=1", await SecondStepAsync(sibling, reviewer.Email!, Totp.Code(key, now.AddSeconds(-30))));
        Assert.Equal("/account/", await SecondStepAsync(sibling, reviewer.Email!, Totp.Code(key, now.AddSeconds(60))));
    }

    [Fact]
    public async Task A_staff_tenant_admin_without_two_factor_cannot_consent_nor_use_any_cookie_path_but_the_setup()
    {
        await using var world = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        var reviewer = await world.App.CreateUserAsync(Roles.Reviewer, "rev", Password);
        var tenantId = await OAuthWorld.CreateTenantAsync(world.App, "Rev's tenant " + Guid.NewGuid().ToString("N")[..6], reviewer.Id);
        using var browser = world.Browser();
        Assert.Equal("/account/", (await FormLogin.PostLoginAsync(browser, reviewer.Email!, Password)).Headers.Location!.OriginalString);

        var parameters = world.AuthorizeParameters(OAuthWorld.Pkce().Challenge);
        var authorize = OAuthWorld.Url("/connect/authorize", parameters);
        var consent = await browser.GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        Assert.Equal("/account/2fa/setup?returnUrl=" + Uri.EscapeDataString(authorize), consent.Headers.Location!.OriginalString);

        // Posting the decision straight away (as the consent form would) installs nothing either.
        var fields = parameters.Select(kv => kv).Append(new("tenant_choice", tenantId.ToString())).Append(new("accept", "1"))
            .Append(new("__RequestVerificationToken", await FormLogin.FormTokenAsync(browser, "/account/2fa/setup")));
        var accept = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.SeeOther, accept.StatusCode);
        Assert.StartsWith("/account/2fa/setup", accept.Headers.Location!.OriginalString, StringComparison.Ordinal);

        // A bearer header beside the cookie does not make the cookie path skip the rule.
        using var withHeader = new HttpRequestMessage(HttpMethod.Get, authorize);
        withHeader.Headers.Authorization = new("Bearer", "not-a-token");
        Assert.StartsWith("/account/2fa/setup", (await browser.SendAsync(withHeader)).Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Empty(await world.InstallationsAsync());

        foreach (var api in new[] { "/api/me", "/api/tokens", "/api/antiforgery", "/platform/v1/projects" })
        {
            var r = await browser.GetAsync(api);
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("auth.two-factor-required", (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        foreach (var page in new[] { "/account/", "/console", "/hangfire" })
            Assert.StartsWith("/account/2fa/setup", (await browser.GetAsync(page)).Headers.Location?.OriginalString ?? page, StringComparison.Ordinal);

        // What stays: the setup itself, and sign-out.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/2fa/setup")).StatusCode);
        var logout = await browser.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await FormLogin.FormTokenAsync(browser, "/account/2fa/setup"),
        }));
        Assert.Equal("/account/login", logout.Headers.Location!.OriginalString);
    }

    /// <summary>Counts password verifications, delegating to Identity's hasher.</summary>
    private sealed class CountingHasher(IOptions<PasswordHasherOptions> options) : IPasswordHasher<GatehouseUser>
    {
        private readonly PasswordHasher<GatehouseUser> _inner = new(options);
        private int _verifications;
        public int Verifications => Volatile.Read(ref _verifications);
        public string HashPassword(GatehouseUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(GatehouseUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    [Fact]
    public async Task Sign_in_hashes_the_password_once_for_an_unknown_a_known_and_a_locked_out_account()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, services: s =>
        {
            s.AddSingleton<CountingHasher>();
            s.AddScoped<IPasswordHasher<GatehouseUser>>(sp => sp.GetRequiredService<CountingHasher>());
        });
        var hasher = app.Services.GetRequiredService<CountingHasher>();
        var dev = await app.CreateUserAsync(Roles.Developer, "dev", Password);
        using var client = FormLogin.CookieClient(app);

        async Task<int> VerificationsFor(string email)
        {
            var before = hasher.Verifications;
            Assert.StartsWith("/account/login?error=1", (await FormLogin.PostLoginAsync(client, email, "a wrong password here")).Headers.Location!.OriginalString, StringComparison.Ordinal);
            return hasher.Verifications - before;
        }

        Assert.Equal(1, await VerificationsFor($"nobody-{Guid.NewGuid():N}@example.test"));
        Assert.Equal(1, await VerificationsFor(dev.Email!));
        await app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<GatehouseUser>>();
            var u = (await users.FindByIdAsync(dev.Id))!;
            await users.SetLockoutEndDateAsync(u, TimeProvider.System.GetUtcNow().AddHours(1));
        });
        Assert.Equal(1, await VerificationsFor(dev.Email!));
    }
}
