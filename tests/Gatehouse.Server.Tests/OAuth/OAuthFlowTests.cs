using System.Net;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.OAuth;

/// <summary>Authorization code + PKCE with consent, refresh rotation, client credentials per tenant, introspection, revocation, PAR.</summary>
public sealed class OAuthFlowTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_tenant_admin_installs_an_app_through_consent_and_the_app_gets_tokens_for_that_tenant(DbKind db)
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(db));
        using var browser = await w.SignedInBrowserAsync();
        var (verifier, challenge) = OAuthWorld.Pkce();
        var url = OAuthWorld.Url("/connect/authorize", w.AuthorizeParameters(challenge));

        using var page = await browser.GetAsync(url);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("See your tenant&#x27;s projects", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;", html, StringComparison.Ordinal); // the client's name is encoded, not markup
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Empty(await w.InstallationsAsync()); // showing the page installs nothing

        using var redirect = await w.ConsentAsync(browser, url);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.StartsWith(OAuthWorld.RedirectUri + "?", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var (status, tokens) = await w.RedeemAsync(OAuthWorld.CodeFrom(redirect), verifier);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.True(tokens.TryGetProperty("refresh_token", out _));

        var installation = Assert.Single(await w.InstallationsAsync());
        Assert.Equal(w.TenantId, installation.TenantId);
        Assert.Equal(["projects.read"], installation.ScopeList);
        Assert.Null(installation.UninstalledAt);
        Assert.True(await w.ActiveAsync(tokens.GetProperty("access_token").GetString()!));
    }

    [Fact]
    public async Task Declining_consent_installs_nothing_and_returns_access_denied()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = await w.SignedInBrowserAsync();
        var (_, challenge) = OAuthWorld.Pkce();
        using var redirect = await w.ConsentAsync(browser, OAuthWorld.Url("/connect/authorize", w.AuthorizeParameters(challenge)), "deny");
        Assert.Contains("error=access_denied", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Empty(await w.InstallationsAsync());
    }

    [Fact]
    public async Task Accepting_consent_without_the_forms_antiforgery_token_is_refused()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = await w.SignedInBrowserAsync();
        var (_, challenge) = OAuthWorld.Pkce();
        var form = w.AuthorizeParameters(challenge);
        form["tenant_choice"] = w.TenantId.ToString();
        form["accept"] = "1";
        using var r = await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Empty(await w.InstallationsAsync());
    }

    [Fact]
    public async Task A_signed_in_user_who_administers_no_tenant_cannot_install()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        var other = await w.App.CreateUserAsync(Gatehouse.Server.Identity.Roles.Developer, "not-admin");
        using var browser = w.Browser();
        (await FormLogin.PostLoginAsync(browser, other.Email!, OAuthWorld.AdminPassword)).Dispose();
        var (_, challenge) = OAuthWorld.Pkce();
        using var r = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", w.AuthorizeParameters(challenge)));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Contains("error=access_denied", r.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = w.Browser();
        var (_, challenge) = OAuthWorld.Pkce();
        using var r = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", w.AuthorizeParameters(challenge)));
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Contains("/account/login", r.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_authorization_request_without_PKCE_is_refused()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = await w.SignedInBrowserAsync();
        var p = w.AuthorizeParameters("unused");
        p.Remove("code_challenge");
        p.Remove("code_challenge_method");
        using var r = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", p));
        OAuthWorld.AssertRefused(r, "invalid_request");
        Assert.Empty(await w.InstallationsAsync());
    }

    [Fact]
    public async Task The_plain_PKCE_method_is_refused()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = await w.SignedInBrowserAsync();
        var (verifier, _) = OAuthWorld.Pkce();
        var p = w.AuthorizeParameters(verifier);
        p["code_challenge_method"] = "plain";
        using var r = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", p));
        OAuthWorld.AssertRefused(r, "invalid_request");
    }

    [Fact]
    public async Task A_wrong_code_verifier_is_refused()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = await w.SignedInBrowserAsync();
        var (_, challenge) = OAuthWorld.Pkce();
        using var redirect = await w.ConsentAsync(browser, OAuthWorld.Url("/connect/authorize", w.AuthorizeParameters(challenge)));
        var (status, body) = await w.RedeemAsync(OAuthWorld.CodeFrom(redirect), OAuthWorld.Pkce().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_code_redeemed_twice_fails_and_revokes_the_tokens_of_the_first_redemption()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = await w.SignedInBrowserAsync();
        var (verifier, challenge) = OAuthWorld.Pkce();
        using var redirect = await w.ConsentAsync(browser, OAuthWorld.Url("/connect/authorize", w.AuthorizeParameters(challenge)));
        var code = OAuthWorld.CodeFrom(redirect);
        var (first, tokens) = await w.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, first);
        var (second, body) = await w.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, second);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.False(await w.ActiveAsync(tokens.GetProperty("access_token").GetString()!));
        var (refresh, _) = await w.RefreshAsync(tokens.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, refresh);
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_reusing_an_old_one_revokes_the_whole_chain()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        var tokens = await w.InstallAndRedeemAsync();
        var old = tokens.GetProperty("refresh_token").GetString()!;
        var (ok, rotated) = await w.RefreshAsync(old);
        Assert.Equal(HttpStatusCode.OK, ok);
        var fresh = rotated.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(old, fresh);

        var (reuse, body) = await w.RefreshAsync(old); // no grace window
        Assert.Equal(HttpStatusCode.BadRequest, reuse);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        var (after, _) = await w.RefreshAsync(fresh);
        Assert.Equal(HttpStatusCode.BadRequest, after);
        Assert.False(await w.ActiveAsync(rotated.GetProperty("access_token").GetString()!));
    }

    [Fact]
    public async Task A_redirect_uri_that_does_not_match_exactly_is_refused()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = await w.SignedInBrowserAsync();
        var (_, challenge) = OAuthWorld.Pkce();
        foreach (var uri in new[] { OAuthWorld.RedirectUri + "/", OAuthWorld.RedirectUri + "?x=1", "https://evil.example.com/oauth/callback" })
        {
            var p = w.AuthorizeParameters(challenge);
            p["redirect_uri"] = uri;
            using var r = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", p));
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode); // never redirected to an unregistered URI
        }
    }

    [Fact]
    public async Task A_scope_the_client_was_not_granted_is_refused_at_authorization_and_at_refresh()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = await w.SignedInBrowserAsync();
        var (_, challenge) = OAuthWorld.Pkce();
        using var r = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", w.AuthorizeParameters(challenge, "projects.read projects.write")));
        OAuthWorld.AssertRefused(r, "invalid_scope");

        var tokens = await w.InstallAndRedeemAsync();
        var (status, body) = await w.PostAsync("/connect/token", new()
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!, ["scope"] = "projects.read issues.read",
        });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(body.GetProperty("error").GetString(), new[] { "invalid_scope", "invalid_grant" }); // OpenIddict answers invalid_grant
    }

    [Fact]
    public async Task Client_credentials_are_issued_only_for_a_tenant_where_the_app_is_installed()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        var other = await OAuthWorld.CreateTenantAsync(w.App, "Other tenant", null);
        Dictionary<string, string> Form(Guid? tenant, string scope = "projects.read")
        {
            var f = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope };
            if (tenant is not null) f[OAuthSetup.TenantParameter] = tenant.Value.ToString();
            return f;
        }
        var (before, b) = await w.PostAsync("/connect/token", Form(w.TenantId));
        Assert.Equal(HttpStatusCode.BadRequest, before);
        Assert.Equal("unauthorized_client", b.GetProperty("error").GetString());

        await w.InstallAndRedeemAsync();
        var (ok, tokens) = await w.PostAsync("/connect/token", Form(w.TenantId));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.True(await w.ActiveAsync(tokens.GetProperty("access_token").GetString()!));
        var (notThere, e1) = await w.PostAsync("/connect/token", Form(other));
        Assert.Equal("unauthorized_client", e1.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, notThere);
        var (noTenant, e2) = await w.PostAsync("/connect/token", Form(null));
        Assert.Equal(HttpStatusCode.BadRequest, noTenant);
        Assert.Equal("invalid_request", e2.GetProperty("error").GetString());
        var (notGranted, e3) = await w.PostAsync("/connect/token", Form(w.TenantId, "projects.read issues.read"));
        Assert.Equal(HttpStatusCode.BadRequest, notGranted);
        Assert.Equal("invalid_scope", e3.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_revoked_access_token_is_inactive_at_once()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        var tokens = await w.InstallAndRedeemAsync();
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.True(await w.ActiveAsync(access));
        var (status, _) = await w.PostAsync("/connect/revoke", new() { ["token"] = access });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(await w.ActiveAsync(access));
    }

    [Fact]
    public async Task A_pushed_authorization_request_is_used_by_reference()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        var (verifier, challenge) = OAuthWorld.Pkce();
        var (status, par) = await w.PostAsync("/connect/par", w.AuthorizeParameters(challenge));
        Assert.Equal(HttpStatusCode.Created, status);
        var requestUri = par.GetProperty("request_uri").GetString()!;
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", requestUri, StringComparison.Ordinal);

        using var browser = await w.SignedInBrowserAsync();
        using var redirect = await w.ConsentAsync(browser, OAuthWorld.Url("/connect/authorize", [new("client_id", w.ClientId), new("request_uri", requestUri)]));
        var (ok, _) = await w.RedeemAsync(OAuthWorld.CodeFrom(redirect), verifier);
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    [Fact]
    public async Task The_endpoints_refuse_plain_http()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var c = w.App.ClientWith(null); // http://localhost
        using var r = await c.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("ID2083", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_offers_only_S256_and_advertises_PAR()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var c = w.Browser();
        var doc = System.Text.Json.JsonDocument.Parse(await c.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Equal(["S256"], doc.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.EndsWith("/connect/par", doc.GetProperty("pushed_authorization_request_endpoint").GetString(), StringComparison.Ordinal);
    }
}
