using System.Net;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Gatehouse.Server.Data;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Gatehouse.Server.Tests.OAuth;

/// <summary>
/// The authorization server driven by an independent, certified client library (Duende.IdentityModel)
/// instead of hand-written HTTP: discovery with the library's default validation policy, PAR, the code
/// flow with PKCE, refresh rotation, introspection, revocation and client credentials per tenant.
/// One server per class (as in <see cref="OAuthFlowTests"/>): each test's world has its own client and tenant, so
/// the tokens one test revokes or rotates are never another's.
/// </summary>
public sealed class IndependentClientTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private const string Authority = "https://localhost";
    private const string Scope = "projects.read offline_access";

    [Fact]
    public async Task IndependentClient_discovery_passes_the_default_policy_and_advertises_S256_PAR_introspection_and_revocation()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var http = w.Browser();

        // The library's default policy, unchanged: issuer name equals the authority, HTTPS everywhere, every
        // endpoint under the authority, a key set. "localhost" needs no adjustment: the test client speaks
        // https://localhost, so neither AllowHttpOnLoopback nor RequireHttps = false is relied on. The server
        // says "https://localhost/" and the library compares issuer and authority without the trailing slash.
        var disco = await http.GetDiscoveryDocumentAsync(Authority);
        Assert.False(disco.IsError, $"{disco.ErrorType}: {disco.Error}");
        Assert.True(disco.Policy.RequireHttps);
        Assert.True(disco.Policy.ValidateIssuerName);
        Assert.True(disco.Policy.ValidateEndpoints);
        Assert.True(disco.Policy.RequireKeySet);
        Assert.Equal(Authority + "/", disco.Issuer);

        Assert.Equal(["S256"], disco.CodeChallengeMethodsSupported);
        Assert.Equal(Authority + "/connect/par", disco.PushedAuthorizationRequestEndpoint);
        Assert.Equal(Authority + "/connect/authorize", disco.AuthorizeEndpoint);
        Assert.Equal(Authority + "/connect/token", disco.TokenEndpoint);
        Assert.Equal(Authority + "/connect/introspect", disco.IntrospectionEndpoint);
        Assert.Equal(Authority + "/connect/revoke", disco.RevocationEndpoint);
        Assert.NotEmpty(disco.KeySet!.Keys);
        Assert.Contains("authorization_code", disco.GrantTypesSupported);
        Assert.Contains("refresh_token", disco.GrantTypesSupported);
        Assert.Contains("client_credentials", disco.GrantTypesSupported);

        // PAR is offered, not required (docs/oauth.md: the authorization endpoint also takes plain requests).
        // The library reads a missing member as false; the server must not claim otherwise.
        Assert.False(disco.RequirePushedAuthorizationRequests);
        if (disco.Json!.Value.TryGetProperty("require_pushed_authorization_requests", out var requirePar))
            Assert.Equal(JsonValueKind.False, requirePar.ValueKind);
    }

    [Fact]
    public async Task IndependentClient_code_flow_with_PKCE_through_PAR_then_refresh_rotation_introspection_and_revocation()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var http = w.Browser();
        var disco = await DiscoverAsync(http);

        var (verifier, challenge) = OAuthWorld.Pkce();
        var state = "st-" + Guid.NewGuid().ToString("N");
        using var par = await http.PushAuthorizationAsync(Par(w, disco, challenge, state));
        Assert.False(par.IsError, $"PAR: {par.Error} {par.Raw}");
        Assert.Equal(HttpStatusCode.Created, par.HttpStatusCode);
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", par.RequestUri, StringComparison.Ordinal);
        Assert.InRange(par.ExpiresIn ?? 0, 1, 300); // request_uri lives 5 minutes

        var authorize = await ConsentAsync(w, disco, par.RequestUri!);
        Assert.False(authorize.IsError, $"authorize: {authorize.Error} {authorize.ErrorDescription}");
        Assert.Equal(state, authorize.State);
        Assert.Equal(disco.Issuer, authorize.Issuer); // RFC 9207
        Assert.False(string.IsNullOrEmpty(authorize.Code));

        using var tokens = await http.RequestAuthorizationCodeTokenAsync(new AuthorizationCodeTokenRequest
        {
            Address = disco.TokenEndpoint, ClientId = w.ClientId, ClientSecret = OAuthWorld.Secret,
            Code = authorize.Code!, RedirectUri = OAuthWorld.RedirectUri, CodeVerifier = verifier,
        });
        Assert.False(tokens.IsError, $"code: {tokens.Error} {tokens.ErrorDescription}");
        Assert.Equal("Bearer", tokens.TokenType);
        Assert.InRange(tokens.ExpiresIn, 1, 600); // 10 minutes
        Assert.False(string.IsNullOrEmpty(tokens.AccessToken));
        Assert.False(string.IsNullOrEmpty(tokens.RefreshToken));

        // The app itself (the token's presenter) learns that the token is active, for whom and for what audience...
        using var info = await IntrospectAsync(http, w, disco, tokens.AccessToken!);
        Assert.False(info.IsError, $"introspection: {info.Error} {info.Raw}");
        Assert.True(info.IsActive, info.Raw);
        Assert.Equal(w.ClientId, info.ClientId);
        Assert.Equal([OAuthSetup.PlatformResource], info.Audiences);
        Assert.Equal("Bearer", info.TokenType);
        // ...but OpenIddict gives the token's scopes and private claims only to a confidential caller listed
        // as an audience, i.e. the resource server (OpenIddictServerHandlers.Introspection.AttachApplicationClaims).
        Assert.Empty(info.Scopes);
        Assert.DoesNotContain(info.Claims, c => c.Type == OAuthSetup.TenantClaim);

        // The platform API as resource server (client_id = its resource indicator) sees scope and tenant_id.
        await CreateResourceServerAsync(w.App);
        using var asApi = await http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = disco.IntrospectionEndpoint, ClientId = OAuthSetup.PlatformResource, ClientSecret = ResourceServerSecret,
            ClientCredentialStyle = ClientCredentialStyle.PostBody, Token = tokens.AccessToken!,
        });
        Assert.False(asApi.IsError, $"introspection by the resource server: {asApi.Error} {asApi.Raw}");
        Assert.True(asApi.IsActive, asApi.Raw);
        Assert.Equal(w.ClientId, asApi.ClientId);
        Assert.Equal([OAuthSetup.PlatformResource], asApi.Audiences);
        Assert.Equal(["offline_access", "projects.read"], asApi.Scopes.Order(StringComparer.Ordinal));
        Assert.Equal(w.TenantId.ToString(), asApi.Claims.FirstOrDefault(c => c.Type == OAuthSetup.TenantClaim)?.Value);

        // Rotation: a new refresh token, and the old one works no more.
        using var rotated = await http.RequestRefreshTokenAsync(Refresh(w, disco, tokens.RefreshToken!));
        Assert.False(rotated.IsError, $"refresh: {rotated.Error} {rotated.ErrorDescription}");
        Assert.False(string.IsNullOrEmpty(rotated.RefreshToken));
        Assert.NotEqual(tokens.RefreshToken, rotated.RefreshToken);

        // Revocation of one access token: inactive at once, the other token of the chain untouched.
        using var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = disco.RevocationEndpoint, ClientId = w.ClientId, ClientSecret = OAuthWorld.Secret,
            Token = tokens.AccessToken!, TokenTypeHint = "access_token",
        });
        Assert.False(revoked.IsError, $"revocation: {revoked.Error} {revoked.Raw}");
        Assert.False(await ActiveAsync(http, w, disco, tokens.AccessToken!));
        Assert.True(await ActiveAsync(http, w, disco, rotated.AccessToken!));

        // Reuse of the old refresh token: invalid_grant, and the whole chain goes (the new refresh token too).
        using var reuse = await http.RequestRefreshTokenAsync(Refresh(w, disco, tokens.RefreshToken!));
        Assert.True(reuse.IsError);
        Assert.Equal(ResponseErrorType.Protocol, reuse.ErrorType);
        Assert.Equal("invalid_grant", reuse.Error);
        using var after = await http.RequestRefreshTokenAsync(Refresh(w, disco, rotated.RefreshToken!));
        Assert.Equal("invalid_grant", after.Error);
        Assert.False(await ActiveAsync(http, w, disco, rotated.AccessToken!));
        Assert.False(await ActiveAsync(http, w, disco, rotated.RefreshToken!));
    }

    [Fact]
    public async Task IndependentClient_client_credentials_are_issued_only_where_installed_and_only_for_granted_scopes()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var http = w.Browser();
        var disco = await DiscoverAsync(http);
        var other = await OAuthWorld.CreateTenantAsync(w.App, "Other tenant", null);
        ClientCredentialsTokenRequest Request(Guid tenant, string scope) => new()
        {
            Address = disco.TokenEndpoint, ClientId = w.ClientId, ClientSecret = OAuthWorld.Secret,
            ClientCredentialStyle = ClientCredentialStyle.AuthorizationHeader, // client_secret_basic
            Scope = scope, Parameters = { { OAuthSetup.TenantParameter, tenant.ToString() } },
        };

        using var before = await http.RequestClientCredentialsTokenAsync(Request(w.TenantId, "projects.read"));
        Assert.Equal("unauthorized_client", before.Error);

        using var installed = await InstallAsync(http, w, disco);
        using var ok = await http.RequestClientCredentialsTokenAsync(Request(w.TenantId, "projects.read"));
        Assert.False(ok.IsError, $"client credentials: {ok.Error} {ok.ErrorDescription}");
        Assert.Null(ok.RefreshToken);
        using var info = await IntrospectAsync(http, w, disco, ok.AccessToken!);
        Assert.True(info.IsActive, info.Raw);
        Assert.Equal(w.ClientId, info.ClientId);
        Assert.Equal([OAuthSetup.PlatformResource], info.Audiences);

        using var notInstalled = await http.RequestClientCredentialsTokenAsync(Request(other, "projects.read"));
        Assert.True(notInstalled.IsError);
        Assert.Equal(HttpStatusCode.BadRequest, notInstalled.HttpStatusCode);
        Assert.Equal("unauthorized_client", notInstalled.Error);

        // issues.read is registered for the client but the tenant granted only projects.read.
        using var notGranted = await http.RequestClientCredentialsTokenAsync(Request(w.TenantId, "projects.read issues.read"));
        Assert.True(notGranted.IsError);
        Assert.Equal("invalid_scope", notGranted.Error);
    }

    [Fact]
    public async Task IndependentClient_wrong_verifier_code_reuse_and_a_foreign_redirect_uri_are_refused()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        using var http = w.Browser();
        var disco = await DiscoverAsync(http);

        // A redirect URI the client did not register, pushed: refused at the PAR endpoint, no request_uri.
        var (_, challenge0) = OAuthWorld.Pkce();
        var foreign = Par(w, disco, challenge0, "s0");
        foreign.RedirectUri = "https://evil.example.com/oauth/callback";
        using var refused = await http.PushAuthorizationAsync(foreign);
        Assert.True(refused.IsError);
        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
        Assert.Equal("invalid_request", refused.Error);
        Assert.Null(refused.RequestUri);

        // The wrong PKCE verifier.
        var (_, challenge1) = OAuthWorld.Pkce();
        var code1 = await PushAndConsentAsync(http, w, disco, challenge1);
        using var wrong = await http.RequestAuthorizationCodeTokenAsync(Code(w, disco, code1, OAuthWorld.Pkce().Verifier));
        Assert.True(wrong.IsError);
        Assert.Equal("invalid_grant", wrong.Error);

        // A code redeemed twice: the second fails and the first redemption's tokens are revoked.
        var (verifier2, challenge2) = OAuthWorld.Pkce();
        var code2 = await PushAndConsentAsync(http, w, disco, challenge2);
        using var first = await http.RequestAuthorizationCodeTokenAsync(Code(w, disco, code2, verifier2));
        Assert.False(first.IsError, $"first redemption: {first.Error} {first.ErrorDescription}");
        Assert.True(await ActiveAsync(http, w, disco, first.AccessToken!));
        using var second = await http.RequestAuthorizationCodeTokenAsync(Code(w, disco, code2, verifier2));
        Assert.True(second.IsError);
        Assert.Equal("invalid_grant", second.Error);
        Assert.False(await ActiveAsync(http, w, disco, first.AccessToken!));
        Assert.False(await ActiveAsync(http, w, disco, first.RefreshToken!));
    }

    /// <summary>
    /// Depends on the platform API accepting OpenIddict access tokens (PlatformAuth.Schemes forwarding non-API-key
    /// bearer tokens to OpenIddict validation). Without that wiring it answers 401 and this test fails.
    /// </summary>
    [Fact]
    public async Task IndependentClient_access_token_reads_only_its_tenants_projects_on_the_platform_API()
    {
        await using var w = await OAuthWorld.OnAsync(await servers.For(DbKind.Sqlite));
        var other = await OAuthWorld.CreateTenantAsync(w.App, "Other tenant", null);
        var mine = new Project { Id = Guid.NewGuid(), TenantId = w.TenantId, Key = "MINE", Name = "Mine" };
        await w.App.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            db.PlatformProjects.Add(mine);
            db.PlatformProjects.Add(new Project { Id = Guid.NewGuid(), TenantId = other, Key = "THEIRS", Name = "Theirs" });
            await db.SaveChangesAsync();
        });
        using var http = w.Browser();
        var disco = await DiscoverAsync(http);
        using var tokens = await InstallAsync(http, w, disco);

        using var api = w.Browser();
        api.SetBearerToken(tokens.AccessToken!);
        using var r = await api.GetAsync("/platform/v1/projects");
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"GET /platform/v1/projects with an OAuth access token: {(int)r.StatusCode} {r.Headers.WwwAuthenticate} {body}");
        var projects = JsonSerializer.Deserialize<List<ProjectDto>>(body, JsonSerializerOptions.Web)!;
        Assert.Equal([mine.Id], projects.Select(p => p.Id));
        Assert.All(projects, p => Assert.Equal(w.TenantId, p.TenantId));

        // The same request after revocation fails at once (token entry validation).
        using var revoked = await http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = disco.RevocationEndpoint, ClientId = w.ClientId, ClientSecret = OAuthWorld.Secret, Token = tokens.AccessToken!,
        });
        Assert.False(revoked.IsError);
        using var again = await api.GetAsync("/platform/v1/projects");
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    // ---- the client side, through the library ----

    private const string ResourceServerSecret = "resource-server-secret-0123456789abcdef";

    /// <summary>The platform API registered as a confidential client that may only introspect (RFC 7662 resource server).</summary>
    private static Task CreateResourceServerAsync(GatehouseApp app) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = OAuthSetup.PlatformResource, ClientSecret = ResourceServerSecret, ClientType = OpenIddictConstants.ClientTypes.Confidential,
            DisplayName = "Platform API (resource server)", Permissions = { OpenIddictConstants.Permissions.Endpoints.Introspection },
        }).AsTask());

    private static async Task<DiscoveryDocumentResponse> DiscoverAsync(HttpClient http)
    {
        var disco = await http.GetDiscoveryDocumentAsync(Authority);
        return disco.IsError ? throw new InvalidOperationException($"discovery: {disco.ErrorType} {disco.Error}") : disco;
    }

    private static PushedAuthorizationRequest Par(OAuthWorld w, DiscoveryDocumentResponse disco, string challenge, string state) => new()
    {
        Address = disco.PushedAuthorizationRequestEndpoint, ClientId = w.ClientId, ClientSecret = OAuthWorld.Secret,
        ResponseType = "code", RedirectUri = OAuthWorld.RedirectUri, Scope = Scope, State = state,
        CodeChallenge = challenge, CodeChallengeMethod = "S256", Resource = [OAuthSetup.PlatformResource],
    };

    private static AuthorizationCodeTokenRequest Code(OAuthWorld w, DiscoveryDocumentResponse disco, string code, string verifier) => new()
    {
        Address = disco.TokenEndpoint, ClientId = w.ClientId, ClientSecret = OAuthWorld.Secret,
        ClientCredentialStyle = ClientCredentialStyle.PostBody, // client_secret_post
        Code = code, RedirectUri = OAuthWorld.RedirectUri, CodeVerifier = verifier,
    };

    private static RefreshTokenRequest Refresh(OAuthWorld w, DiscoveryDocumentResponse disco, string refreshToken) => new()
    {
        Address = disco.TokenEndpoint, ClientId = w.ClientId, ClientSecret = OAuthWorld.Secret, RefreshToken = refreshToken,
    };

    private static Task<TokenIntrospectionResponse> IntrospectAsync(HttpClient http, OAuthWorld w, DiscoveryDocumentResponse disco, string token) =>
        http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = disco.IntrospectionEndpoint, ClientId = w.ClientId, ClientSecret = OAuthWorld.Secret, Token = token,
        });

    private static async Task<bool> ActiveAsync(HttpClient http, OAuthWorld w, DiscoveryDocumentResponse disco, string token)
    {
        using var r = await IntrospectAsync(http, w, disco, token);
        return r.IsError ? throw new InvalidOperationException($"introspection: {r.Error} {r.Raw}") : r.IsActive;
    }

    /// <summary>The browser step: the signed-in tenant admin opens the authorization URL by reference and accepts.</summary>
    private static async Task<AuthorizeResponse> ConsentAsync(OAuthWorld w, DiscoveryDocumentResponse disco, string requestUri)
    {
        var url = new RequestUrl(disco.AuthorizeEndpoint!).Create(new Parameters { { "client_id", w.ClientId }, { "request_uri", requestUri } });
        using var browser = await w.SignedInBrowserAsync();
        using var redirect = await w.ConsentAsync(browser, url);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var location = redirect.Headers.Location!.OriginalString;
        Assert.StartsWith(OAuthWorld.RedirectUri + "?", location, StringComparison.Ordinal);
        return new AuthorizeResponse(location);
    }

    private static async Task<string> PushAndConsentAsync(HttpClient http, OAuthWorld w, DiscoveryDocumentResponse disco, string challenge)
    {
        var state = "st-" + Guid.NewGuid().ToString("N");
        using var par = await http.PushAuthorizationAsync(Par(w, disco, challenge, state));
        if (par.IsError) throw new InvalidOperationException($"PAR: {par.Error} {par.Raw}");
        var authorize = await ConsentAsync(w, disco, par.RequestUri!);
        Assert.Equal(state, authorize.State);
        return authorize.Code ?? throw new InvalidOperationException($"authorize: {authorize.Error} {authorize.ErrorDescription}");
    }

    /// <summary>PAR, consent and redemption: installs the app in <see cref="OAuthWorld.TenantId"/>.</summary>
    private static async Task<TokenResponse> InstallAsync(HttpClient http, OAuthWorld w, DiscoveryDocumentResponse disco)
    {
        var (verifier, challenge) = OAuthWorld.Pkce();
        var code = await PushAndConsentAsync(http, w, disco, challenge);
        var tokens = await http.RequestAuthorizationCodeTokenAsync(Code(w, disco, code, verifier));
        return tokens.IsError ? throw new InvalidOperationException($"code: {tokens.Error} {tokens.ErrorDescription}") : tokens;
    }
}
