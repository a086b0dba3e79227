using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Security;

/// <summary>
/// OAuth refusals that OAuth/OAuthFlowTests, OAuth/IndependentClientTests and OAuth/AppClientTests do not already make
/// (those cover a wrong verifier, no PKCE, plain PKCE, a code redeemed twice, refresh reuse and chain revocation, three
/// redirect-URI mismatches, scope escalation at authorization and refresh, client credentials outside an installation,
/// revoked tokens and the kill switch): no verifier, a code redeemed by another client or with another redirect URI,
/// the redirect-URI tricks (prefix, suffix, dot segments, user info, host suffix, scheme, case), a wrong or missing
/// client secret, and forged, altered or misused tokens at the platform API and at introspection.
/// </summary>
public sealed class OAuthNegativeTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Fact]
    public async Task A_code_is_refused_without_its_verifier_for_another_client_and_with_another_redirect_uri()
    {
        var app = await servers.For(DbKind.Sqlite);
        await using var w = await OAuthWorld.OnAsync(app);
        await using var other = await OAuthWorld.OnAsync(app);
        using var browser = await w.SignedInBrowserAsync();

        async Task<(string Code, string Verifier)> CodeAsync()
        {
            var (verifier, challenge) = OAuthWorld.Pkce();
            using var redirect = await w.ConsentAsync(browser, OAuthWorld.Url("/connect/authorize", w.AuthorizeParameters(challenge)));
            return (OAuthWorld.CodeFrom(redirect), verifier);
        }

        var (code, verifier) = await CodeAsync();
        var (noVerifier, body) = await w.PostAsync("/connect/token", new() { ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = OAuthWorld.RedirectUri });
        Assert.Equal(HttpStatusCode.BadRequest, noVerifier);
        Assert.Contains(body.GetProperty("error").GetString(), new[] { "invalid_grant", "invalid_request" });

        // The same code, by another client with its own valid credentials.
        (code, verifier) = await CodeAsync();
        var (foreign, foreignBody) = await other.RedeemAsync(code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, foreign);
        Assert.Equal("invalid_grant", foreignBody.GetProperty("error").GetString());

        // Another redirect URI at the token endpoint than at authorization.
        (code, verifier) = await CodeAsync();
        var (otherUri, _) = await w.PostAsync("/connect/token", new()
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = verifier, ["redirect_uri"] = OAuthWorld.RedirectUri + "/x",
        });
        Assert.Equal(HttpStatusCode.BadRequest, otherUri);
    }

    [Fact]
    public async Task Redirect_uris_that_only_look_like_the_registered_one_are_refused_without_a_redirect()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var browser = await w.SignedInBrowserAsync();
        var (_, challenge) = OAuthWorld.Pkce();
        const string registered = OAuthWorld.RedirectUri; // https://app.example.com/oauth/callback
        var tricks = new[]
        {
            registered[..^1], // prefix
            registered + "x", registered + "/../../evil", registered + "/..%2F..%2Fevil", registered + "%2F", registered + "?", registered + "#x",
            registered + "?next=https://evil.example.com",
            "https://app.example.com/oauth/../oauth/callback", "https://app.example.com/oauth/./callback", "https://app.example.com//oauth/callback",
            "https://app.example.com@evil.example.com/oauth/callback", "https://evil.example.com@app.example.com/oauth/callback",
            "https://app.example.com.evil.example.com/oauth/callback", "https://evil.example.com/app.example.com/oauth/callback",
            "https://evil.example.com/?https://app.example.com/oauth/callback",
            "http://app.example.com/oauth/callback", "https://app.example.com/OAUTH/CALLBACK", "https://app.example.com:8443/oauth/callback",
            "https://app.example.com\\@evil.example.com/oauth/callback", "//evil.example.com/oauth/callback", "/oauth/callback",
            "javascript:alert(1)//https://app.example.com/oauth/callback", "data:text/html,<script>alert(1)</script>",
        };
        var failures = new List<string>();
        foreach (var uri in tricks)
        {
            var p = w.AuthorizeParameters(challenge);
            p["redirect_uri"] = uri;
            using var r = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", p));
            if (r.StatusCode != HttpStatusCode.BadRequest) failures.Add($"{uri}: {(int)r.StatusCode} {r.Headers.Location}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_wrong_or_missing_client_secret_gets_no_token()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        var tokens = await w.InstallAndRedeemAsync();
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        using var c = w.Browser();
        foreach (var secret in new[] { OAuthWorld.Secret + "x", OAuthWorld.Secret[..^1], OAuthWorld.Secret.ToUpperInvariant(), "", null })
        {
            foreach (var grant in new[] { "client_credentials", "refresh_token" })
            {
                var form = new Dictionary<string, string> { ["grant_type"] = grant, ["client_id"] = w.ClientId };
                if (grant == "refresh_token") form["refresh_token"] = refresh;
                else { form[Gatehouse.Server.OAuth.OAuthSetup.TenantParameter] = w.TenantId.ToString(); form["scope"] = "projects.read"; }
                if (secret is not null) form["client_secret"] = secret;
                using var r = await c.PostAsync("/connect/token", new FormUrlEncodedContent(form));
                var text = await r.Content.ReadAsStringAsync();
                Assert.True(r.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{grant} with secret '{secret}': {(int)r.StatusCode} {text}");
                Assert.DoesNotContain("access_token", text, StringComparison.Ordinal);
            }
        }
        // The refresh token was not spent by those attempts: the right secret still rotates it.
        var (ok, _) = await w.RefreshAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    [Fact]
    public async Task Forged_altered_or_misused_tokens_are_refused_at_the_platform_api_and_inactive_at_introspection()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        var tokens = await w.InstallAndRedeemAsync();
        var access = tokens.GetProperty("access_token").GetString()!;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        using var c = w.Browser();
        async Task<HttpStatusCode> PlatformAsync(string bearer)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/platform/v1/projects");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var r = await c.SendAsync(request);
            return r.StatusCode;
        }
        Assert.Equal(HttpStatusCode.OK, await PlatformAsync(access));

        static string B64(string json) => OAuthWorld.Base64Url(Encoding.UTF8.GetBytes(json));
        var claims = $$"""{"iss":"http://localhost/","sub":"{{w.ClientId}}","client_id":"{{w.ClientId}}","aud":"gatehouse-platform","scope":"projects.read","exp":4102444800,"iat":1700000000,"gatehouse_tenant":"{{w.TenantId}}"}""";
        var middle = access.Length / 2;
        var forged = new Dictionary<string, string>
        {
            ["alg none"] = B64("""{"alg":"none","typ":"at+jwt"}""") + "." + B64(claims) + ".",
            ["alg none without the dot"] = B64("""{"alg":"none"}""") + "." + B64(claims),
            ["HS256 with an empty key"] = B64("""{"alg":"HS256","typ":"at+jwt"}""") + "." + B64(claims) + "." + OAuthWorld.Base64Url(
                System.Security.Cryptography.HMACSHA256.HashData(Array.Empty<byte>(), Encoding.ASCII.GetBytes(B64("""{"alg":"HS256","typ":"at+jwt"}""") + "." + B64(claims)))),
            ["one character changed"] = access[..middle] + (access[middle] == 'A' ? 'B' : 'A') + access[(middle + 1)..],
            ["last character changed"] = access[..^1] + (access[^1] == 'A' ? 'B' : 'A'),
            ["truncated"] = access[..^4],
            ["another segment order"] = string.Join('.', access.Split('.').Reverse()),
            ["the refresh token"] = refresh,
            ["empty"] = "",
        };
        var failures = new List<string>();
        foreach (var (what, token) in forged)
        {
            var status = await PlatformAsync(token);
            if (status != HttpStatusCode.Unauthorized) failures.Add($"{what}: platform API answered {(int)status}");
            // Introspection rightly reports the real refresh token as active (RFC 7662): it is refused only as an access token.
            if (token.Length > 0 && token != refresh && await w.ActiveAsync(token)) failures.Add($"{what}: introspection says active");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // An access token is no refresh token.
        var (asRefresh, body) = await w.RefreshAsync(access);
        Assert.Equal(HttpStatusCode.BadRequest, asRefresh);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, await PlatformAsync(access)); // and none of the above spent the real one
    }
}
