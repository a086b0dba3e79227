using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Server.Data;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Server.Tests.OAuth;

/// <summary>A server, a confidential web-integration client, a tenant and its admin, and the HTTP steps of the flows.</summary>
public sealed partial class OAuthWorld : IAsyncDisposable
{
    public const string RedirectUri = "https://app.example.com/oauth/callback";
    public const string Secret = "client-secret-of-the-test-app-0123456789";

    public required GatehouseApp App { get; init; }
    public required string ClientId { get; init; }
    public required Guid TenantId { get; init; }
    public required string AdminEmail { get; init; }
    public const string AdminPassword = "a-long-enough-password";

    /// <summary>Whether disposing the world stops <see cref="App"/> (a server of its own, not a shared one).</summary>
    private bool OwnsApp { get; init; }

    /// <summary>A world on a server of its own, stopped with the world.</summary>
    public static async Task<OAuthWorld> StartAsync(DbKind db = DbKind.Sqlite)
    {
        var app = await GatehouseApp.StartAsync(db);
        return await OnAsync(app, ownsApp: true);
    }

    /// <summary>
    /// A world on a running (shared) server: a new client, tenant and tenant admin with unique names, so worlds on
    /// one server do not see each other's installations or tokens. Disposing the world leaves the server running.
    /// </summary>
    public static Task<OAuthWorld> OnAsync(GatehouseApp app) => OnAsync(app, ownsApp: false);

    private static async Task<OAuthWorld> OnAsync(GatehouseApp app, bool ownsApp)
    {
        var clientId = "app-" + Guid.NewGuid().ToString("N")[..8];
        await CreateClientAsync(app, clientId, [OAuthScopes.ProjectsRead, OAuthScopes.IssuesRead, OAuthScopes.OfflineAccess]);
        var admin = await app.CreateUserAsync(Gatehouse.Server.Identity.Roles.Developer, "tenant-admin");
        var tenantId = await CreateTenantAsync(app, "Tenant " + Guid.NewGuid().ToString("N")[..6], admin.Id);
        return new OAuthWorld { App = app, ClientId = clientId, TenantId = tenantId, AdminEmail = admin.Email!, OwnsApp = ownsApp };
    }

    public ValueTask DisposeAsync() => OwnsApp ? App.DisposeAsync() : ValueTask.CompletedTask;

    public static Task CreateClientAsync(GatehouseApp app, string clientId, string[] scopes) =>
        app.WithScopeAsync(async sp =>
        {
            var d = new OpenIddictApplicationDescriptor
            {
                ClientId = clientId, ClientSecret = Secret, ClientType = ClientTypes.Confidential, DisplayName = "Test App <b>" + clientId + "</b>",
                RedirectUris = { new Uri(RedirectUri) },
                Permissions =
                {
                    Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Introspection,
                    Permissions.Endpoints.Revocation, Permissions.Endpoints.PushedAuthorization,
                    Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.GrantTypes.ClientCredentials,
                    Permissions.ResponseTypes.Code, Permissions.Prefixes.Resource + OAuthSetup.PlatformResource,
                },
                Requirements = { Requirements.Features.ProofKeyForCodeExchange },
            };
            foreach (var s in scopes) d.Permissions.Add(Permissions.Prefixes.Scope + s);
            await sp.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(d);
        });

    public static Task<Guid> CreateTenantAsync(GatehouseApp app, string name, string? adminUserId) =>
        app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var t = new Tenant { Id = Guid.NewGuid(), Name = name };
            db.Add(t);
            if (adminUserId is not null) db.Add(new Gatehouse.Server.Identity.TenantAdmin { TenantId = t.Id, UserId = adminUserId });
            await db.SaveChangesAsync();
            return t.Id;
        });

    public Task<List<Installation>> InstallationsAsync() =>
        App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<Installation>().AsNoTracking().Where(i => i.ClientId == ClientId).ToListAsync());

    /// <summary>An HTTPS client (OpenIddict's transport security stays on) with a cookie jar.</summary>
    public HttpClient Browser() =>
        App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });

    public async Task<HttpClient> SignedInBrowserAsync()
    {
        var b = Browser();
        using var r = await FormLogin.PostLoginAsync(b, AdminEmail, AdminPassword);
        if (r.StatusCode != HttpStatusCode.Redirect || r.Headers.Location?.OriginalString != "/account/")
            throw new InvalidOperationException($"sign-in failed: {(int)r.StatusCode} {r.Headers.Location}");
        return b;
    }

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string Base64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public Dictionary<string, string> AuthorizeParameters(string challenge, string scope = "projects.read offline_access") => new()
    {
        ["response_type"] = "code", ["client_id"] = ClientId, ["redirect_uri"] = RedirectUri, ["scope"] = scope,
        ["state"] = "st-" + Guid.NewGuid().ToString("N"), ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
        ["resource"] = OAuthSetup.PlatformResource,
    };

    public static string Url(string path, IEnumerable<KeyValuePair<string, string>> p) =>
        path + "?" + string.Join('&', p.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();

    /// <summary>Opens the consent page and accepts it for <see cref="TenantId"/>; returns the redirect.</summary>
    public async Task<HttpResponseMessage> ConsentAsync(HttpClient browser, string authorizeUrl, string decision = "accept")
    {
        using var page = await browser.GetAsync(authorizeUrl);
        var html = await page.Content.ReadAsStringAsync();
        if (page.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"consent page: {(int)page.StatusCode} {page.Headers.Location} {html}");
        var fields = HiddenField().Matches(html).Select(m => new KeyValuePair<string, string>(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        fields.Add(new("tenant_choice", TenantId.ToString()));
        fields.Add(new(decision, "1"));
        return await browser.PostAsync("/connect/authorize", new FormUrlEncodedContent(fields));
    }

    /// <summary>
    /// The authorization endpoint refused: an error page (400) or, once the client and redirect URI are known good,
    /// a redirect carrying <paramref name="error"/>; never a code.
    /// </summary>
    public static void AssertRefused(HttpResponseMessage r, string error)
    {
        if (r.StatusCode == HttpStatusCode.BadRequest) return;
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var location = r.Headers.Location!.OriginalString;
        Assert.Contains("error=" + error, location, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", location, StringComparison.Ordinal);
    }

    public static string CodeFrom(HttpResponseMessage redirect)
    {
        var location = redirect.Headers.Location ?? throw new InvalidOperationException($"no redirect: {(int)redirect.StatusCode}");
        var q = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query);
        return q.TryGetValue("code", out var code) ? code.ToString() : throw new InvalidOperationException("no code in " + location);
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, Dictionary<string, string> form, bool clientAuth = true)
    {
        using var c = Browser();
        if (clientAuth) { form["client_id"] = ClientId; form["client_secret"] = Secret; }
        using var r = await c.PostAsync(path, new FormUrlEncodedContent(form));
        var text = await r.Content.ReadAsStringAsync();
        return (r.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(string code, string verifier) =>
        PostAsync("/connect/token", new() { ["grant_type"] = "authorization_code", ["code"] = code, ["code_verifier"] = verifier, ["redirect_uri"] = RedirectUri });

    public Task<(HttpStatusCode Status, JsonElement Body)> RefreshAsync(string refreshToken) =>
        PostAsync("/connect/token", new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });

    public async Task<bool> ActiveAsync(string token)
    {
        var (status, body) = await PostAsync("/connect/introspect", new() { ["token"] = token });
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"introspection: {(int)status} {body}");
        return body.GetProperty("active").GetBoolean();
    }

    /// <summary>The full code + PKCE flow through consent; returns the token response.</summary>
    public async Task<JsonElement> InstallAndRedeemAsync(string scope = "projects.read offline_access")
    {
        using var browser = await SignedInBrowserAsync();
        var (verifier, challenge) = Pkce();
        using var redirect = await ConsentAsync(browser, Url("/connect/authorize", AuthorizeParameters(challenge, scope)));
        var (status, body) = await RedeemAsync(CodeFrom(redirect), verifier);
        if (status != HttpStatusCode.OK) throw new InvalidOperationException($"redeem: {(int)status} {body}");
        return body;
    }
}
