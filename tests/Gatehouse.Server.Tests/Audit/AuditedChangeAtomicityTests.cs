using System.Linq.Expressions;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Data.Blobs;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Identity;
using Gatehouse.Server.OAuth;
using Gatehouse.Server.Retention;
using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Gatehouse.Server.Tests.Audit;

/// <summary>
/// Issue 14, item 1: an audited state change and its audit entry commit together or not at all. For one action of each
/// area, the write of the entry is made to fail (<see cref="AuditInsertFailure"/>): the request fails and the change is
/// not there either; then, without the failure, the same request makes both. A change saved before its entry (the old
/// save-then-append) would stay, unaudited, and fail these tests.
/// </summary>
public sealed partial class AuditedChangeAtomicityTests(SharedServers servers) : IClassFixture<SharedServers>
{
    // Webhooks to the loopback address, so creating one needs no DNS.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Notifications:AllowHttpWebhooks"] = "true",
        ["Notifications:AllowedWebhookHosts"] = "127.0.0.1",
    };

    private const string Password = "correct horse battery";

    private Task<GatehouseApp> ServerAsync(DbKind db) => servers.For(db, Settings);

    private static Task<int> CountAsync(GatehouseApp app, Func<GatehouseDb, Task<int>> query) =>
        app.WithScopeAsync(sp => query(sp.GetRequiredService<GatehouseDb>()));

    private static Task<int> EntriesAsync(GatehouseApp app, Expression<Func<AuditEntry, bool>> which) =>
        CountAsync(app, db => db.AuditEntries.CountAsync(which));

    /// <summary>
    /// Makes the entry of <paramref name="action"/> fail during <paramref name="act"/>, and checks that the request failed and
    /// that neither the change (<paramref name="state"/>) nor the entry (<paramref name="entries"/>) is there.
    /// </summary>
    private static async Task FailsWithoutTraceAsync(GatehouseApp app, string action, Func<Task<HttpResponseMessage>> act,
        Func<Task<int>> state, Func<Task<int>> entries)
    {
        var (stateBefore, entriesBefore) = (await state(), await entries());
        app.AuditFailure.Arm(action);
        HttpStatusCode status;
        try
        {
            using var r = await act();
            status = r.StatusCode;
        }
        finally
        {
            app.AuditFailure.Disarm();
        }
        Assert.True(app.AuditFailure.Fired, $"the request never wrote a {action} entry, so nothing was tested");
        Assert.True((int)status >= 500, $"the request succeeded ({(int)status}) although its audit entry failed");
        Assert.Equal(stateBefore, await state());
        Assert.Equal(entriesBefore, await entries());
    }

    private static async Task SucceedsWithEntryAsync(Func<Task<HttpResponseMessage>> act, Func<Task<int>> state, Func<Task<int>> entries)
    {
        var (stateBefore, entriesBefore) = (await state(), await entries());
        using var r = await act();
        Assert.True(r.IsSuccessStatusCode, $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        Assert.Equal(stateBefore + 1, await state());
        Assert.Equal(entriesBefore + 1, await entries());
    }

    private static async Task BothOrNeitherAsync(GatehouseApp app, string action, Func<Task<HttpResponseMessage>> act,
        Func<Task<int>> state, Func<Task<int>> entries)
    {
        await FailsWithoutTraceAsync(app, action, act, state, entries);
        await SucceedsWithEntryAsync(act, state, entries);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_personal_access_token_and_its_revocation_exist_only_with_their_entries(DbKind db)
    {
        var app = await ServerAsync(db);
        var (user, token) = await app.UserWithTokenAsync(Roles.Developer, "atomic-pat");
        using var client = app.ClientWith(token);
        await BothOrNeitherAsync(app, AuditActions.TokenIssued,
            () => client.PostAsJsonAsync("/api/tokens", new { name = "atomic", scopes = new[] { Scopes.Read } }),
            () => CountAsync(app, d => d.PersonalAccessTokens.CountAsync(t => t.UserId == user.Id && t.Name == "atomic")),
            () => EntriesAsync(app, e => e.Action == AuditActions.TokenIssued && e.Actor == user.Id));

        var (_, victim) = await app.IssueTokenAsync(user.Id, Scopes.Read);
        await BothOrNeitherAsync(app, AuditActions.TokenRevoked,
            () => client.DeleteAsync($"/api/tokens/{victim.Id}"),
            () => CountAsync(app, d => d.PersonalAccessTokens.CountAsync(t => t.Id == victim.Id && t.RevokedAt != null)),
            () => EntriesAsync(app, e => e.Action == AuditActions.TokenRevoked && e.Subject == victim.Id));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_user_with_its_role_exists_only_with_its_entry(DbKind db)
    {
        var app = await ServerAsync(db);
        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "atomic-admin");
        using var admin = app.ClientWith(adminToken);
        var email = $"atomic-user-{Guid.NewGuid():N}@example.test";
        await BothOrNeitherAsync(app, AuditActions.UserCreated,
            () => admin.PostAsJsonAsync("/api/users", new { email, role = Roles.Developer }),
            () => CountAsync(app, d => d.Users.CountAsync(u => u.Email == email)),
            () => CountAsync(app, async d => await d.Users.Where(u => u.Email == email).Select(u => u.Id).FirstOrDefaultAsync() is { } id
                ? await d.AuditEntries.CountAsync(e => e.Action == AuditActions.UserCreated && e.Subject == id) : 0));
        // Created, in its role, in the same commit as the user.
        Assert.True(await app.WithScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<GatehouseUser>>();
            return await users.IsInRoleAsync((await users.FindByEmailAsync(email))!, Roles.Developer);
        }));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_api_key_exists_only_with_its_entry(DbKind db)
    {
        var app = await ServerAsync(db);
        var w = await ApiKeyWorld.CreateAsync(app);
        using var dev = app.ClientWith(w.DeveloperToken);
        await BothOrNeitherAsync(app, AuditActions.ApiKeyCreated,
            () => dev.PostAsJsonAsync($"/api/apps/{w.AppSlug}/api-keys", new { name = "atomic", scopes = new[] { Gatehouse.Server.Platform.PlatformScopes.ProjectsRead } }),
            () => CountAsync(app, d => d.ApiKeys.CountAsync(k => k.OrganizationId == w.OrgId && k.Name == "atomic")),
            () => EntriesAsync(app, e => e.Action == AuditActions.ApiKeyCreated && e.OrganizationId == w.OrgId.ToString()));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_organisation_and_a_member_who_accepts_an_invitation_exist_only_with_their_entries(DbKind db)
    {
        var app = await ServerAsync(db);
        var (owner, ownerToken) = await app.UserWithTokenAsync(Roles.Developer, "atomic-owner");
        using var ownerClient = app.ClientWith(ownerToken);
        var name = $"Atomic {Guid.NewGuid():N}";
        await BothOrNeitherAsync(app, AuditActions.OrganizationCreated,
            () => ownerClient.PostAsJsonAsync("/api/orgs", new { name }),
            () => CountAsync(app, d => d.OrganizationMembers.CountAsync(m => m.UserId == owner.Id && m.Organization!.Name == name)),
            () => EntriesAsync(app, e => e.Action == AuditActions.OrganizationCreated && e.Actor == owner.Id));
        var orgId = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Organizations.Where(o => o.Name == name).Select(o => o.Id).SingleAsync());

        var (invitee, inviteeToken) = await app.UserWithTokenAsync(Roles.Developer, "atomic-invitee");
        Assert.Equal(HttpStatusCode.Created, (await ownerClient.PostAsJsonAsync($"/api/orgs/{orgId}/invitations", new { email = invitee.Email })).StatusCode);
        var invitation = await app.InvitationTokenAsync(invitee.Email!);
        using var inviteeClient = app.ClientWith(inviteeToken);
        // The same token works after the failure: the invitation's use was rolled back with the membership and the entry.
        await BothOrNeitherAsync(app, AuditActions.MemberAdded,
            () => inviteeClient.PostAsJsonAsync("/api/invitations/accept", new { token = invitation }),
            () => CountAsync(app, d => d.OrganizationMembers.CountAsync(m => m.OrganizationId == orgId && m.UserId == invitee.Id)),
            () => EntriesAsync(app, e => e.Action == AuditActions.MemberAdded && e.Subject == invitee.Id));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_invitation_is_revoked_only_with_its_entry(DbKind db)
    {
        var app = await ServerAsync(db);
        var (owner, ownerToken) = await app.UserWithTokenAsync(Roles.Developer, "atomic-inviter");
        var org = await app.CreateOrganizationAsync(owner.Id);
        using var client = app.ClientWith(ownerToken);
        var created = await client.PostAsJsonAsync($"/api/orgs/{org.Id}/invitations", new { email = $"someone-{Guid.NewGuid():N}@example.test" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await BothOrNeitherAsync(app, AuditActions.InvitationRevoked,
            () => client.DeleteAsync($"/api/invitations/{id}"),
            () => CountAsync(app, d => d.Set<Gatehouse.Server.Invitations.Invitation>().CountAsync(i => i.Id == id && i.RevokedAt != null)),
            () => EntriesAsync(app, e => e.Action == AuditActions.InvitationRevoked && e.Subject == id.ToString()));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_webhook_exists_only_with_its_entry(DbKind db)
    {
        var app = await ServerAsync(db);
        var (owner, ownerToken) = await app.UserWithTokenAsync(Roles.Developer, "atomic-hooks");
        var org = await app.CreateOrganizationAsync(owner.Id);
        using var client = app.ClientWith(ownerToken);
        await BothOrNeitherAsync(app, AuditActions.WebhookCreated,
            () => client.PostAsJsonAsync($"/api/orgs/{org.Id}/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "*" } }),
            () => CountAsync(app, d => d.WebhookEndpoints.CountAsync(h => h.OrganizationId == org.Id)),
            () => EntriesAsync(app, e => e.Action == AuditActions.WebhookCreated && e.OrganizationId == org.Id.ToString()));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_oauth_client_exists_only_with_its_entry(DbKind db)
    {
        var app = await ServerAsync(db);
        var (owner, ownerToken) = await app.UserWithTokenAsync(Roles.Developer, "atomic-client");
        var org = await app.CreateOrganizationAsync(owner.Id);
        var slug = await AppAsync(app, org.Id, owner.Id, AppTypes.WebIntegration, VersionStates.Approved);
        using var client = app.ClientWith(ownerToken);
        // OpenIddict's store saves through the request's context: the client is rolled back with the entry, so the second
        // attempt is not refused as "the app already has an OAuth client".
        await BothOrNeitherAsync(app, OAuthAuditActions.ClientCreated,
            () => client.PostAsJsonAsync($"/api/apps/{slug}/oauth-client", new { redirectUris = new[] { "https://integration.example.com/callback" } }),
            () => app.WithScopeAsync(async sp => await sp.GetRequiredService<IOpenIddictApplicationManager>().FindByClientIdAsync(slug) is null ? 0 : 1),
            () => EntriesAsync(app, e => e.Action == OAuthAuditActions.ClientCreated && e.Subject == slug));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_tenant_exists_only_with_its_entry(DbKind db)
    {
        var app = await ServerAsync(db);
        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "atomic-tenants");
        using var admin = app.ClientWith(adminToken);
        var name = $"Tenant {Guid.NewGuid():N}";
        await BothOrNeitherAsync(app, AuditActions.TenantCreated,
            () => admin.PostAsJsonAsync("/api/tenants", new { name }),
            () => CountAsync(app, d => d.Set<Tenant>().CountAsync(t => t.Name == name)),
            () => CountAsync(app, async d => await d.Set<Tenant>().Where(t => t.Name == name).Select(t => (Guid?)t.Id).FirstOrDefaultAsync() is { } id
                ? await d.AuditEntries.CountAsync(e => e.Action == AuditActions.TenantCreated && e.Subject == id.ToString()) : 0));
    }

    [GeneratedRegex("<code id=\"shared-key\">([^<]+)</code>")]
    private static partial Regex SharedKey();

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Two_factor_authentication_is_on_only_with_its_entry(DbKind db)
    {
        var app = await ServerAsync(db);
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "atomic-2fa", Password);
        using var browser = FormLogin.CookieClient(app);
        await FormLogin.PostLoginAsync(browser, reviewer.Email!, Password);
        var key = SharedKey().Match(await browser.GetStringAsync("/account/2fa/setup")).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var at = TimeProvider.System.GetUtcNow();
        Func<Task<HttpResponseMessage>> confirm = async () => await browser.PostAsync("/account/2fa/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await FormLogin.FormTokenAsync(browser, "/account/2fa/setup"),
            // A code works once, and the first attempt spent its step: each attempt uses the next step's code.
            ["code"] = Totp.Code(key, at = at.AddSeconds(30)),
        }));
        await BothOrNeitherAsync(app, AuditActions.TwoFactorEnabled, confirm,
            () => CountAsync(app, d => d.Users.CountAsync(u => u.Id == reviewer.Id && u.TwoFactorEnabled)),
            () => EntriesAsync(app, e => e.Action == AuditActions.TwoFactorEnabled && e.Subject == reviewer.Id));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_listing_policy_version_exists_only_with_its_entry(DbKind db)
    {
        var app = await ServerAsync(db);
        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "atomic-policy");
        using var admin = app.ClientWith(adminToken);
        // Only the rescan cadence differs from the default, so the class's other tests are not affected.
        await BothOrNeitherAsync(app, AuditActions.ListingPolicyPublished,
            () => admin.PutAsync("/api/policy", new StringContent("{\"rescanCadenceDays\": 31}", System.Text.Encoding.UTF8, "application/json")),
            () => CountAsync(app, d => d.ListingPolicies.CountAsync()),
            () => EntriesAsync(app, e => e.Action == AuditActions.ListingPolicyPublished));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_installation_and_a_download_url_and_a_key_rotation_exist_only_with_their_entries(DbKind db)
    {
        var app = await ServerAsync(db);
        var (vendor, _) = await app.UserWithTokenAsync(Roles.Developer, "atomic-vendor");
        var org = await app.CreateOrganizationAsync(vendor.Id);
        var slug = await AppAsync(app, org.Id, vendor.Id, AppTypes.Downloadable, VersionStates.Published);
        var (tenantAdmin, tenantToken) = await app.UserWithTokenAsync(Roles.Developer, "atomic-customer");
        var tenant = await OAuthWorld.CreateTenantAsync(app, $"Customer {Guid.NewGuid():N}", tenantAdmin.Id);
        using var customer = app.ClientWith(tenantToken);
        await BothOrNeitherAsync(app, OAuthAuditActions.AppInstalled,
            () => customer.PostAsJsonAsync($"/api/tenants/{tenant}/installations", new { app = slug }),
            () => CountAsync(app, d => d.Set<Installation>().CountAsync(i => i.TenantId == tenant && i.ClientId == slug)),
            () => EntriesAsync(app, e => e.Action == OAuthAuditActions.AppInstalled && e.Actor == tenantAdmin.Id));

        // A URL is no row: the entry is written before the URL is handed out, so a failed entry means no URL.
        app.AuditFailure.Arm(DownloadAuditActions.UrlIssued);
        using (var refused = await customer.PostAsJsonAsync($"/api/apps/{slug}/versions/1.0.0/download-url", new { tenantId = tenant }))
        {
            Assert.True(app.AuditFailure.Fired);
            Assert.True((int)refused.StatusCode >= 500);
            Assert.DoesNotContain("\"url\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var issued = await customer.PostAsJsonAsync($"/api/apps/{slug}/versions/1.0.0/download-url", new { tenantId = tenant }))
            Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        Assert.Equal(1, await EntriesAsync(app, e => e.Action == DownloadAuditActions.UrlIssued && e.Actor == tenantAdmin.Id));

        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "atomic-keys");
        using var admin = app.ClientWith(adminToken);
        await BothOrNeitherAsync(app, DownloadAuditActions.KeyRotated,
            () => admin.PostAsJsonAsync("/api/admin/download-keys/rotate", new { }),
            () => CountAsync(app, d => d.Set<DownloadKey>().CountAsync()),
            () => EntriesAsync(app, e => e.Action == DownloadAuditActions.KeyRotated));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Blob_retention_deletes_a_record_and_its_file_only_once_its_entry_is_committed(DbKind db)
    {
        var app = await ServerAsync(db);
        var (owner, _) = await app.UserWithTokenAsync(Roles.Developer, "atomic-blobs");
        var org = await app.CreateOrganizationAsync(owner.Id);
        var digest = await app.WithScopeAsync(async sp =>
        {
            var put = await sp.GetRequiredService<IBlobStore>().PutAsync(new MemoryStream(Guid.NewGuid().ToByteArray()), CancellationToken.None);
            await sp.GetRequiredService<BlobQuotas>().RecordAsync(org.Id, put, CancellationToken.None);
            var longAgo = sp.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(-2);
            await sp.GetRequiredService<GatehouseDb>().Set<BlobUploadRecord>().Where(b => b.Digest == put.Digest)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.UploadedAt, longAgo));
            return put.Digest;
        });
        Task<List<(string Digest, long Size)>> RetainAsync() => app.WithScopeAsync(sp =>
            sp.GetServices<Gatehouse.Server.Jobs.IWorkHandler>().OfType<BlobRetentionHandler>().Single().RunOnceAsync(CancellationToken.None));
        Task<(bool Record, bool File)> StoredAsync() => app.WithScopeAsync(async sp =>
            (await sp.GetRequiredService<GatehouseDb>().Set<BlobUploadRecord>().AnyAsync(b => b.Digest == digest),
             await sp.GetRequiredService<IBlobStore>().ExistsAsync(digest, CancellationToken.None)));

        app.AuditFailure.Arm(AuditActions.BlobsRetained);
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(RetainAsync);
        }
        finally
        {
            app.AuditFailure.Disarm();
        }
        Assert.True(app.AuditFailure.Fired);
        Assert.Equal((true, true), await StoredAsync()); // nothing deleted without its entry

        Assert.Contains(digest, (await RetainAsync()).Select(d => d.Digest));
        Assert.Equal((false, false), await StoredAsync());
        Assert.Equal(1, await EntriesAsync(app, e => e.Action == AuditActions.BlobsRetained && e.Data.Contains(digest)));
    }

    /// <summary>An app of <paramref name="type"/> with a version 1.0.0 in <paramref name="state"/> (a file to download when published).</summary>
    private static Task<string> AppAsync(GatehouseApp app, Guid orgId, string by, string type, string state) =>
        app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new App
            {
                Id = Guid.NewGuid(), OrganizationId = orgId, Slug = "atomic-" + Guid.NewGuid().ToString("N")[..10], Name = "Atomic",
                Type = type, Tier = "standard", CreatedBy = by, CreatedAt = now,
            };
            d.Apps.Add(a);
            d.AppVersions.Add(new AppVersion
            {
                Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = orgId, Version = "1.0.0", State = state, CreatedBy = by, CreatedAt = now, UpdatedAt = now,
                PublishedAt = state == VersionStates.Published ? now : null,
                ArtifactDigest = "sha256:" + new string('a', 64), ArtifactName = "atomic.zip", ArtifactSize = 1,
            });
            await d.SaveChangesAsync();
            return a.Slug;
        });
}
