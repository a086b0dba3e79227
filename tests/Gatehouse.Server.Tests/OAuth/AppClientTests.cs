using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Notifications;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Platform;
using Gatehouse.Server.Tests.Notifications;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.OAuth;

/// <summary>
/// An approved web integration's OAuth client, end to end on the real host: registration by the vendor,
/// installation by a tenant admin who signs in on the way, the platform API with the access token, the
/// lifecycle webhooks the app receives (verified from the outside), uninstall and the kill switch.
/// </summary>
public sealed class AppClientTests
{
    private const string Redirect = "https://integration.example.com/oauth/callback";

    private sealed class World : IAsyncDisposable
    {
        public required GatehouseApp App { get; init; }
        public required WebhookReceiver Receiver { get; init; }
        public required string Slug { get; init; }
        public required Guid AppId { get; init; }
        public required Guid VersionRow { get; init; }
        public required HttpClient Vendor { get; init; }
        public required HttpClient Staff { get; init; }
        public required Guid Tenant { get; init; }
        public required Guid OtherTenant { get; init; }
        public required Guid ProjectOfTenant { get; init; }
        public required Guid ProjectOfOther { get; init; }
        public required string AdminEmail { get; init; }
        public required HttpClient TenantAdminApi { get; init; }
        public string? ClientSecret { get; set; }
        public string? WebhookSecret { get; set; }

        public async ValueTask DisposeAsync()
        {
            Vendor.Dispose();
            Staff.Dispose();
            TenantAdminApi.Dispose();
            await App.DisposeAsync();
            await Receiver.DisposeAsync();
        }

        public HttpClient Browser() =>
            App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });

        public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(Dictionary<string, string> form)
        {
            using var c = Browser();
            form["client_id"] = Slug;
            form["client_secret"] = ClientSecret!;
            using var r = await c.PostAsync("/connect/token", new FormUrlEncodedContent(form));
            var text = await r.Content.ReadAsStringAsync();
            return (r.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
        }

        public Task<(HttpStatusCode Status, JsonElement Body)> ClientCredentialsAsync(Guid tenant) =>
            TokenAsync(new() { ["grant_type"] = "client_credentials", ["tenant"] = tenant.ToString(), ["scope"] = "projects.read" });

        public async Task<HttpStatusCode> PlatformAsync(string bearer, string path)
        {
            using var c = App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var r = await c.GetAsync(path);
            return r.StatusCode;
        }

        public async Task<string> PlatformBodyAsync(string bearer, string path)
        {
            using var c = Browser();
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var r = await c.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return await r.Content.ReadAsStringAsync();
        }

        public async Task<List<ReceivedWebhook>> DeliverAsync()
        {
            await App.Services.GetRequiredService<OutboxDispatcher>().RunOnceAsync(CancellationToken.None);
            return [.. Receiver.Requests];
        }
    }

    private static async Task<World> StartAsync(DbKind db, string state = VersionStates.Published)
    {
        var receiver = await WebhookReceiver.StartAsync();
        var app = await GatehouseApp.StartAsync(db, new Dictionary<string, string?>
        {
            ["Gatehouse:Roles"] = "web",
            ["Notifications:AllowHttpWebhooks"] = "true",
            ["Notifications:AllowedWebhookHosts"] = "127.0.0.1",
        });
        var (dev, devToken) = await app.UserWithTokenAsync(Roles.Developer, "vendor");
        var org = await app.CreateOrganizationAsync(dev.Id);
        var (_, staffToken) = await app.UserWithTokenAsync(Roles.Admin, "staff");
        var admin = await app.CreateUserAsync(Roles.Developer, "tenant-admin");
        var adminToken = await app.IssueTokenAsync(admin.Id, [.. Scopes.AllowedFor([Roles.Developer])]);
        var tenant = await OAuthWorld.CreateTenantAsync(app, "Acme <Tenant>", admin.Id);
        var other = await OAuthWorld.CreateTenantAsync(app, "Other", null);
        var slug = "integ-" + Guid.NewGuid().ToString("N")[..8];
        var (appId, versionId, pa, pb) = await app.WithScopeAsync(async sp =>
        {
            var dbx = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new App
            {
                Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = slug, Name = "Integration", Type = AppTypes.WebIntegration,
                Tier = "standard", BaseUrl = "https://integration.example.com/", CreatedBy = dev.Id, CreatedAt = now,
            };
            var v = new AppVersion
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Version = "1.0.0", State = state,
                CreatedBy = dev.Id, CreatedAt = now, UpdatedAt = now,
                PublishedAt = state == VersionStates.Published ? now : null,
            };
            var p1 = new Project { Id = Guid.NewGuid(), TenantId = tenant, Key = "ACM", Name = "Acme project" };
            var p2 = new Project { Id = Guid.NewGuid(), TenantId = other, Key = "OTH", Name = "Other tenant's project" };
            dbx.Apps.Add(a);
            dbx.AppVersions.Add(v);
            dbx.PlatformProjects.AddRange(p1, p2);
            await dbx.SaveChangesAsync();
            return (a.Id, v.Id, p1.Id, p2.Id);
        });
        return new World
        {
            App = app, Receiver = receiver, Slug = slug, AppId = appId, VersionRow = versionId, Vendor = app.ClientWith(devToken),
            Staff = app.ClientWith(staffToken), Tenant = tenant, OtherTenant = other, ProjectOfTenant = pa, ProjectOfOther = pb,
            AdminEmail = admin.Email!, TenantAdminApi = app.ClientWith(adminToken.Token),
        };
    }

    private static async Task RegisterAsync(World w)
    {
        var r = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/oauth-client", new { redirectUris = new[] { Redirect } });
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        w.ClientSecret = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("clientSecret").GetString();
        var h = await w.Vendor.PutAsJsonAsync($"/api/apps/{w.Slug}/lifecycle-webhook", new { url = w.Receiver.Url("/lifecycle") });
        Assert.True(h.StatusCode == HttpStatusCode.OK, await h.Content.ReadAsStringAsync());
        w.WebhookSecret = (await h.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString();
    }

    /// <summary>
    /// The tenant admin arrives at /connect/authorize signed out, is sent to the login form, signs in, comes back
    /// to the consent page, installs; the app redeems the code. Returns the token response.
    /// </summary>
    private static async Task<JsonElement> InstallAsync(World w)
    {
        using var browser = w.Browser();
        var (verifier, challenge) = OAuthWorld.Pkce();
        var query = new Dictionary<string, string>
        {
            ["response_type"] = "code", ["client_id"] = w.Slug, ["redirect_uri"] = Redirect, ["scope"] = "projects.read issues.read offline_access",
            ["state"] = "s1", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256", ["resource"] = OAuthSetup.PlatformResource,
        };
        using var first = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", query));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var login = first.Headers.Location!;
        Assert.StartsWith("/account/login", login.IsAbsoluteUri ? login.PathAndQuery : login.OriginalString, StringComparison.Ordinal);
        var returnUrl = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(login.IsAbsoluteUri ? login.Query : login.OriginalString[login.OriginalString.IndexOf('?')..])["ReturnUrl"].ToString();
        Assert.StartsWith("/connect/authorize?", returnUrl, StringComparison.Ordinal);

        // The login form carries the return URL; after sign-in the browser goes back to the authorization request.
        var loginHtml = await browser.GetStringAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Contains("name=\"returnUrl\"", loginHtml, StringComparison.Ordinal);
        using var signedIn = await browser.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = w.AdminEmail, ["password"] = OAuthWorld.AdminPassword, ["returnUrl"] = returnUrl,
            ["__RequestVerificationToken"] = await FormLogin.FormTokenAsync(browser),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(returnUrl, signedIn.Headers.Location!.OriginalString);

        using var consented = await new OAuthWorld { App = w.App, ClientId = w.Slug, TenantId = w.Tenant, AdminEmail = w.AdminEmail }
            .ConsentAsync(browser, returnUrl);
        var location = consented.Headers.Location!;
        Assert.StartsWith(Redirect, location.OriginalString, StringComparison.Ordinal);
        var (status, body) = await w.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code", ["code"] = OAuthWorld.CodeFrom(consented), ["code_verifier"] = verifier, ["redirect_uri"] = Redirect,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_tenant_installs_the_app_uses_the_platform_api_and_uninstalling_stops_every_token_at_once(DbKind db)
    {
        await using var w = await StartAsync(db);
        await RegisterAsync(w);
        var tokens = await InstallAsync(w);
        var access = tokens.GetProperty("access_token").GetString()!;
        var refresh = tokens.GetProperty("refresh_token").GetString()!;

        // The access token reaches the platform API for its tenant only ...
        var projects = await w.PlatformBodyAsync(access, "/platform/v1/projects");
        Assert.Contains(w.ProjectOfTenant.ToString(), projects, StringComparison.Ordinal);
        Assert.DoesNotContain(w.ProjectOfOther.ToString(), projects, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await w.PlatformAsync(access, $"/platform/v1/projects/{w.ProjectOfTenant}/issues"));
        Assert.Equal(HttpStatusCode.NotFound, await w.PlatformAsync(access, $"/platform/v1/projects/{w.ProjectOfOther}/issues"));
        // ... and only with the scopes granted (read, not write); the app cannot widen them itself.
        using (var c = w.Browser())
        {
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", access);
            using var write = await c.PostAsJsonAsync("/platform/v1/projects", new { key = "NEW", name = "New" });
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        }
        var (escalated, escalatedBody) = await w.TokenAsync(new() { ["grant_type"] = "client_credentials", ["tenant"] = w.Tenant.ToString(), ["scope"] = "projects.write" });
        Assert.Equal(HttpStatusCode.BadRequest, escalated);
        Assert.Equal("invalid_scope", escalatedBody.GetProperty("error").GetString());
        var (ccStatus, cc) = await w.ClientCredentialsAsync(w.Tenant);
        Assert.Equal(HttpStatusCode.OK, ccStatus);
        var appToken = cc.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await w.PlatformAsync(appToken, "/platform/v1/projects"));

        // The app heard of the installation, signed.
        var installed = Assert.Single(await w.DeliverAsync());
        Assert.True(WebhookReceiver.Verify(installed, w.WebhookSecret!, TimeProvider.System.GetUtcNow()));
        var envelope = JsonDocument.Parse(installed.Body).RootElement;
        Assert.Equal(AppEvents.Installed, envelope.GetProperty("type").GetString());
        Assert.Equal(w.Tenant, envelope.GetProperty("data").GetProperty("tenantId").GetGuid());

        // The app also holds an API key for this tenant (an installation's key).
        var keyResponse = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/api-keys",
            new { name = "tenant key", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = w.Tenant });
        Assert.True(keyResponse.StatusCode == HttpStatusCode.Created, await keyResponse.Content.ReadAsStringAsync());
        var tenantKey = await keyResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, await w.PlatformAsync(tenantKey.GetProperty("key").GetString()!, "/platform/v1/projects"));

        // The tenant admin sees and removes the installation.
        var list = await w.TenantAdminApi.GetFromJsonAsync<JsonElement>($"/api/tenants/{w.Tenant}/installations");
        var installationId = Assert.Single(list.EnumerateArray()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NotFound, (await w.Vendor.DeleteAsync($"/api/tenants/{w.Tenant}/installations/{installationId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await w.TenantAdminApi.DeleteAsync($"/api/tenants/{w.Tenant}/installations/{installationId}")).StatusCode);

        // Every token of the installation fails at once: user-delegated, app-only and refresh.
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(access, "/platform/v1/projects"));
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(appToken, "/platform/v1/projects"));
        var (refreshStatus, refreshBody) = await w.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        Assert.Equal(HttpStatusCode.BadRequest, refreshStatus);
        Assert.Equal("invalid_grant", refreshBody.GetProperty("error").GetString());
        var (again, againBody) = await w.ClientCredentialsAsync(w.Tenant);
        Assert.Equal(HttpStatusCode.BadRequest, again);
        Assert.Equal("unauthorized_client", againBody.GetProperty("error").GetString());

        // The installation's key is revoked, not just idle: installing again does not bring it back.
        var keyId = tenantKey.GetProperty("id").GetString()!;
        Assert.NotNull(await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().ApiKeys.AsNoTracking()
            .Where(k => k.Id == keyId).Select(k => k.RevokedAt).SingleAsync()));
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(tenantKey.GetProperty("key").GetString()!, "/platform/v1/projects"));

        var uninstalled = (await w.DeliverAsync()).Last();
        Assert.True(WebhookReceiver.Verify(uninstalled, w.WebhookSecret!, TimeProvider.System.GetUtcNow()));
        Assert.Equal(AppEvents.Uninstalled, JsonDocument.Parse(uninstalled.Body).RootElement.GetProperty("type").GetString());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Suspending_the_app_revokes_all_its_tokens_and_keys_and_reinstating_lets_it_ask_again(DbKind db)
    {
        await using var w = await StartAsync(db);
        await RegisterAsync(w);
        var delegated = (await InstallAsync(w)).GetProperty("access_token").GetString()!;
        var appToken = (await w.ClientCredentialsAsync(w.Tenant)).Body.GetProperty("access_token").GetString()!;
        var keyResponse = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/api-keys",
            new { name = "sync", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = w.Tenant });
        Assert.True(keyResponse.StatusCode == HttpStatusCode.Created, await keyResponse.Content.ReadAsStringAsync());
        var apiKey = (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        foreach (var t in new[] { delegated, appToken, apiKey })
            Assert.Equal(HttpStatusCode.OK, await w.PlatformAsync(t, "/platform/v1/projects"));
        await w.DeliverAsync();

        var suspend = await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/actions",
            new { action = Lifecycle.Actions.Suspend, reasonCodes = new[] { "GH-WEB-1" }, text = "token abuse reported" });
        Assert.True(suspend.StatusCode == HttpStatusCode.OK, await suspend.Content.ReadAsStringAsync());

        foreach (var t in new[] { delegated, appToken, apiKey })
            Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(t, "/platform/v1/projects"));
        var (status, body) = await w.ClientCredentialsAsync(w.Tenant);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("unauthorized_client", body.GetProperty("error").GetString());
        // No new key is made while the app's access is suspended.
        var late = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/api-keys",
            new { name = "late", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = w.Tenant });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);

        var suspended = (await w.DeliverAsync()).Last();
        Assert.True(WebhookReceiver.Verify(suspended, w.WebhookSecret!, TimeProvider.System.GetUtcNow()));
        Assert.Equal(AppEvents.Suspended, JsonDocument.Parse(suspended.Body).RootElement.GetProperty("type").GetString());
        var audit = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.Action == OAuthAuditActions.KillSwitch).CountAsync());
        Assert.Equal(1, audit);

        // Reinstating the version does not end the suspension of the app's access: that is its own decision.
        var reinstate = await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/1.0.0/actions",
            new { action = Lifecycle.Actions.Reinstate, reasonCodes = new[] { "GH-WEB-1" }, text = "resolved" });
        Assert.True(reinstate.StatusCode == HttpStatusCode.OK, await reinstate.Content.ReadAsStringAsync());
        Assert.Equal("unauthorized_client", (await w.ClientCredentialsAsync(w.Tenant)).Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/kill-switch/lift", new { reason = "abuse resolved" })).StatusCode);

        // Lifted: the installation stays, the app asks for a new token and gets one; old ones stay dead.
        var (newStatus, fresh) = await w.ClientCredentialsAsync(w.Tenant);
        Assert.Equal(HttpStatusCode.OK, newStatus);
        Assert.Equal(HttpStatusCode.OK, await w.PlatformAsync(fresh.GetProperty("access_token").GetString()!, "/platform/v1/projects"));
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(appToken, "/platform/v1/projects"));
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(apiKey, "/platform/v1/projects"));
        Assert.Equal(AppEvents.Reinstated, JsonDocument.Parse((await w.DeliverAsync()).Last().Body).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_kill_switch_is_a_state_every_credential_path_refuses_until_staff_lift_it_with_a_reason()
    {
        // Issue 12, item 2: right after the kill switch the app minted a new token with client_credentials and read tenant data.
        await using var w = await StartAsync(DbKind.Sqlite);
        await RegisterAsync(w);
        var tokens = await InstallAsync(w);
        var refresh = tokens.GetProperty("refresh_token").GetString()!;
        var appToken = (await w.ClientCredentialsAsync(w.Tenant)).Body.GetProperty("access_token").GetString()!;
        var keyResponse = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/api-keys",
            new { name = "sync", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = w.Tenant });
        var key = await keyResponse.Content.ReadFromJsonAsync<JsonElement>();
        var apiKey = key.GetProperty("key").GetString()!;
        async Task<bool> ActiveAsync(string token)
        {
            using var c = w.Browser();
            using var r = await c.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
                { ["token"] = token, ["client_id"] = w.Slug, ["client_secret"] = w.ClientSecret! }));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean();
        }
        Assert.True(await ActiveAsync(appToken));

        // The gate itself, not only the revocation: a suspension that revoked nothing yet (a token issued while the
        // switch was being pulled) already makes introspection say inactive and the platform API refuse the token.
        var raced = await w.App.WithScopeAsync(async sp =>
        {
            var gate = sp.GetRequiredService<AppAccessGate>();
            var dbx = sp.GetRequiredService<GatehouseDb>();
            var s = gate.StageSuspension(await dbx.Apps.SingleAsync(a => a.Id == w.AppId), AppAccessSuspensionSources.KillSwitch, null, "race", "test");
            await dbx.SaveChangesAsync();
            return s.Id;
        });
        Assert.False(await ActiveAsync(appToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(appToken, "/platform/v1/projects"));
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(apiKey, "/platform/v1/projects"));
        await w.App.WithScopeAsync(async sp =>
        {
            var dbx = sp.GetRequiredService<GatehouseDb>();
            dbx.Remove(await dbx.Set<AppAccessSuspension>().SingleAsync(s => s.Id == raced));
            await dbx.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.OK, await w.PlatformAsync(appToken, "/platform/v1/projects"));

        // Staff pull the kill switch.
        var kill = await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/kill-switch", new { reason = "data exfiltration reported" });
        Assert.True(kill.StatusCode == HttpStatusCode.OK, await kill.Content.ReadAsStringAsync());

        // Every credential path refuses, and keeps refusing: a new client_credentials token, refresh, consent, old and new keys.
        var (cc, ccBody) = await w.ClientCredentialsAsync(w.Tenant);
        Assert.Equal(HttpStatusCode.BadRequest, cc);
        Assert.Equal("unauthorized_client", ccBody.GetProperty("error").GetString());
        var (refreshed, _) = await w.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh });
        Assert.Equal(HttpStatusCode.BadRequest, refreshed);
        using (var browser = w.Browser())
        {
            var (_, challenge) = OAuthWorld.Pkce();
            using var authorize = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", new Dictionary<string, string>
            {
                ["response_type"] = "code", ["client_id"] = w.Slug, ["redirect_uri"] = Redirect, ["scope"] = "projects.read",
                ["state"] = "s2", ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
            }));
            OAuthWorld.AssertRefused(authorize, "unauthorized_client");
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(apiKey, "/platform/v1/projects"));
        var newKey = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/api-keys",
            new { name = "new", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = w.Tenant });
        Assert.Equal(HttpStatusCode.Conflict, newKey.StatusCode);
        Assert.Equal("app.access-suspended", (await newKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await w.Vendor.PostAsJsonAsync($"/api/api-keys/{key.GetProperty("id").GetString()}/rotate", new { })).StatusCode);

        // Who, when and why, for the vendor and staff; only staff lift it, and only with a reason.
        var state = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{w.Slug}/kill-switch");
        Assert.True(state.GetProperty("suspended").GetBoolean());
        var active = Assert.Single(state.GetProperty("active").EnumerateArray());
        Assert.Equal(("kill-switch", "data exfiltration reported"), (active.GetProperty("source").GetString(), active.GetProperty("reason").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/kill-switch/lift", new { reason = "we fixed it" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/kill-switch/lift", new { reason = " " })).StatusCode);
        Assert.Equal("unauthorized_client", (await w.ClientCredentialsAsync(w.Tenant)).Body.GetProperty("error").GetString());

        var lift = await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/kill-switch/lift", new { reason = "vendor rotated its infrastructure" });
        Assert.True(lift.StatusCode == HttpStatusCode.OK, await lift.Content.ReadAsStringAsync());
        Assert.False((await lift.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("suspended").GetBoolean());
        Assert.Equal(HttpStatusCode.Conflict, (await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/kill-switch/lift", new { reason = "again" })).StatusCode);

        // New credentials work again; nothing revoked comes back.
        var (again, fresh) = await w.ClientCredentialsAsync(w.Tenant);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(HttpStatusCode.OK, await w.PlatformAsync(fresh.GetProperty("access_token").GetString()!, "/platform/v1/projects"));
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(appToken, "/platform/v1/projects"));
        Assert.Equal(HttpStatusCode.Unauthorized, await w.PlatformAsync(apiKey, "/platform/v1/projects"));
        var made = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/api-keys",
            new { name = "after", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = w.Tenant });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await w.PlatformAsync((await made.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!, "/platform/v1/projects"));
        var restored = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.Action == OAuthAuditActions.AccessRestored).Select(e => e.Data).SingleAsync());
        Assert.Contains("vendor rotated its infrastructure", restored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quarantining_a_newer_version_suspends_the_app_although_an_older_one_is_still_published()
    {
        // Issue 12, item 2: with 1.0.0 still published, quarantining 2.0.0 left the app its tokens and API keys.
        await using var w = await StartAsync(DbKind.Sqlite);
        await RegisterAsync(w);
        await InstallAsync(w);
        await w.App.WithScopeAsync(async sp =>
        {
            var dbx = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var v1 = await dbx.AppVersions.SingleAsync(v => v.Id == w.VersionRow);
            dbx.AppVersions.Add(new AppVersion
            {
                Id = Guid.NewGuid(), AppId = w.AppId, OrganizationId = v1.OrganizationId, Version = "2.0.0", State = VersionStates.Published,
                CreatedBy = v1.CreatedBy, CreatedAt = now, UpdatedAt = now, PublishedAt = now,
            });
            await dbx.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.OK, (await w.ClientCredentialsAsync(w.Tenant)).Status);

        var quarantine = await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/versions/2.0.0/actions",
            new { action = Lifecycle.Actions.Quarantine, reasonCodes = new[] { "GH-WEB-1" }, text = "2.0.0 sends tenant data to a third party" });
        Assert.True(quarantine.StatusCode == HttpStatusCode.OK, await quarantine.Content.ReadAsStringAsync());
        Assert.Equal("published", (await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{w.Slug}/versions/1.0.0")).GetProperty("version").GetProperty("state").GetString());

        var (cc, ccBody) = await w.ClientCredentialsAsync(w.Tenant);
        Assert.Equal(HttpStatusCode.BadRequest, cc);
        Assert.Equal("unauthorized_client", ccBody.GetProperty("error").GetString());
        var key = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/api-keys",
            new { name = "sneaky", scopes = new[] { PlatformScopes.ProjectsRead }, tenantId = w.Tenant });
        Assert.Equal(HttpStatusCode.Conflict, key.StatusCode);
        var state = await w.Staff.GetFromJsonAsync<JsonElement>($"/api/apps/{w.Slug}/kill-switch");
        var active = Assert.Single(state.GetProperty("active").EnumerateArray());
        Assert.Equal("version.quarantine", active.GetProperty("source").GetString());
        Assert.Contains("2.0.0", active.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // A reviewer decides: lifted, the app asks again and gets a token.
        Assert.Equal(HttpStatusCode.OK, (await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/kill-switch/lift", new { reason = "1.0.0 does not share the flaw" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.ClientCredentialsAsync(w.Tenant)).Status);
    }

    [Fact]
    public async Task Only_an_approved_web_integration_gets_a_client_and_only_with_exact_https_redirect_uris()
    {
        await using var w = await StartAsync(DbKind.Sqlite, VersionStates.InReview);
        var early = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/oauth-client", new { redirectUris = new[] { Redirect } });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        await w.App.WithScopeAsync(async sp =>
        {
            var dbx = sp.GetRequiredService<GatehouseDb>();
            (await dbx.AppVersions.SingleAsync(v => v.Id == w.VersionRow)).State = VersionStates.Approved;
            await dbx.SaveChangesAsync();
        });
        foreach (var bad in new[] { "http://integration.example.com/cb", "https://*.example.com/cb", "https://integration.example.com/cb#x",
                     "https://user:pw@integration.example.com/cb", "/relative", "http://127.0.0.1:8765/cb", "com.example.app:/cb" })
        {
            var r = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/oauth-client", new { redirectUris = new[] { bad } });
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, bad);
        }
        // Staff cannot register a vendor's client; the vendor can, once.
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Staff.PostAsJsonAsync($"/api/apps/{w.Slug}/oauth-client", new { redirectUris = new[] { Redirect } })).StatusCode);
        await RegisterAsync(w);
        Assert.StartsWith("ghs_", w.ClientSecret, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/oauth-client", new { redirectUris = new[] { Redirect } })).StatusCode);
        var info = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{w.Slug}/oauth-client");
        Assert.Equal(Redirect, Assert.Single(info.GetProperty("redirectUris").EnumerateArray()).GetString());
        Assert.False(info.TryGetProperty("clientSecret", out _));

        // A redirect URI that is not registered exactly is refused at the authorization endpoint (a trailing slash is enough).
        using var browser = w.Browser();
        var (_, challenge) = OAuthWorld.Pkce();
        using var r2 = await browser.GetAsync(OAuthWorld.Url("/connect/authorize", new Dictionary<string, string>
        {
            ["response_type"] = "code", ["client_id"] = w.Slug, ["redirect_uri"] = Redirect + "/", ["scope"] = "projects.read",
            ["code_challenge"] = challenge, ["code_challenge_method"] = "S256",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, r2.StatusCode);

        // Rotating the secret: the old one stops working. The app is approved, not yet published: no tokens yet.
        var rotated = await w.Vendor.PostAsync($"/api/apps/{w.Slug}/oauth-client/rotate-secret", null);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        Assert.NotEqual(w.ClientSecret, newSecret);
        var (oldStatus, oldBody) = await w.ClientCredentialsAsync(w.Tenant);
        Assert.Equal("invalid_client", oldBody.GetProperty("error").GetString());
        w.ClientSecret = newSecret;
        var (_, notLive) = await w.ClientCredentialsAsync(w.Tenant);
        Assert.Equal("unauthorized_client", notLive.GetProperty("error").GetString());
        _ = oldStatus;
    }

    [Fact]
    public async Task A_native_app_registers_loopback_and_private_use_redirects_and_gets_no_secret()
    {
        await using var w = await StartAsync(DbKind.Sqlite);
        foreach (var bad in new[] { "http://localhost:8765/cb", "http://10.0.0.1/cb", "myapp:/cb" })
        {
            var r = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/oauth-client", new { redirectUris = new[] { bad }, native = true });
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, bad);
        }
        var ok = await w.Vendor.PostAsJsonAsync($"/api/apps/{w.Slug}/oauth-client",
            new { redirectUris = new[] { "http://127.0.0.1:8765/cb", "http://[::1]:8765/cb", "com.example.integration:/cb" }, native = true });
        Assert.True(ok.StatusCode == HttpStatusCode.Created, await ok.Content.ReadAsStringAsync());
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("clientSecret").ValueKind);
        Assert.Equal("public", body.GetProperty("client").GetProperty("clientType").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await w.Vendor.PostAsync($"/api/apps/{w.Slug}/oauth-client/rotate-secret", null)).StatusCode);
    }

    [Theory]
    [InlineData("https://app.example.com/cb", false, true)]
    [InlineData("https://app.example.com/cb?x=1", false, true)]
    [InlineData("http://app.example.com/cb", false, false)]
    [InlineData("https://app.example.com/*", false, false)]
    [InlineData("https://app.example.com/cb#frag", false, false)]
    [InlineData("https://u:p@app.example.com/cb", false, false)]
    [InlineData(" https://app.example.com/cb", false, false)]
    [InlineData("javascript:alert(1)", false, false)]
    [InlineData("javascript:alert(1)", true, false)]
    [InlineData("http://127.0.0.1:51004/cb", true, true)]
    [InlineData("http://127.0.0.1:51004/cb", false, false)]
    [InlineData("http://[::1]:61023/cb", true, true)]
    [InlineData("http://localhost:51004/cb", true, false)]
    [InlineData("http://192.168.1.2/cb", true, false)]
    [InlineData("com.example.app:/oauth2redirect", true, true)]
    [InlineData("exampleapp:/oauth2redirect", true, false)]
    public void Redirect_uri_rules(string uri, bool native, bool accepted) =>
        Assert.Equal(accepted, RedirectUris.CheckOne(uri, native) is null);

    [Theory]
    [InlineData("/connect/authorize?client_id=x", true)]
    [InlineData("/", true)]
    [InlineData("//evil.example/", false)]
    [InlineData("/\\evil.example/", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("javascript:alert(1)", false)]
    [InlineData("/ok\r\nSet-Cookie:x", false)]
    [InlineData("", false)]
    public void The_login_form_returns_only_to_local_paths(string url, bool local) =>
        Assert.Equal(local, AccountApi.IsLocalUrl(url));
}
