using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Invitations;

/// <summary>
/// Membership and tenant administration by invitation only (issue 12, items 1, 3 and 13): nobody is added without
/// accepting, the invitation does not tell whether an address has an account, staff join vendors only as an admin
/// allows, and staff who are not members never act for a vendor.
/// </summary>
public sealed class InvitationTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private static async Task<string?> CodeOf(HttpResponseMessage r) =>
        (await r.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("code", out var c) ? c.GetString() : null;

    private static async Task<bool> IsMemberAsync(GatehouseApp app, Guid orgId, string userId) =>
        await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().OrganizationMembers.AnyAsync(m => m.OrganizationId == orgId && m.UserId == userId));

    [Fact]
    public async Task An_owner_invites_without_learning_whether_an_account_exists_and_only_the_addressee_accepts_once()
    {
        var app = await servers.For(DbKind.Sqlite);
        var (owner, ownerToken) = await app.UserWithTokenAsync(Roles.Developer, "owner");
        var org = await app.CreateOrganizationAsync(owner.Id);
        var admin = await app.AdminAsync();
        var (colleague, colleagueToken) = await app.UserWithTokenAsync(Roles.Developer, "colleague");
        var (outsider, outsiderToken) = await app.UserWithTokenAsync(Roles.Developer, "outsider");
        using var o = app.ClientWith(ownerToken);

        // The old way is gone: an owner can no longer add an existing account (an admin here) directly.
        var direct = await o.PostAsJsonAsync($"/api/orgs/{org.Id}/members", new { email = admin.Email, role = "member" });
        Assert.False(direct.IsSuccessStatusCode);
        Assert.False(await IsMemberAsync(app, org.Id, admin.Id));

        // A known and an unknown address get the same answer: status, fields, and no user id.
        var known = await o.PostAsJsonAsync($"/api/orgs/{org.Id}/invitations", new { email = colleague.Email });
        var unknown = await o.PostAsJsonAsync($"/api/orgs/{org.Id}/invitations", new { email = "nobody-" + Guid.NewGuid().ToString("N")[..8] + "@example.test" });
        Assert.Equal(HttpStatusCode.Created, known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        var (k, u) = (await known.Content.ReadFromJsonAsync<JsonElement>(), await unknown.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Equal(k.EnumerateObject().Select(p => p.Name), u.EnumerateObject().Select(p => p.Name));
        Assert.Equal("pending", k.GetProperty("status").GetString());
        Assert.DoesNotContain(colleague.Id, await known.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await IsMemberAsync(app, org.Id, colleague.Id)); // invited is not joined

        // The token is e-mailed, never stored in clear: not in the invitation, not in the outbox row.
        var token = await app.InvitationTokenAsync(colleague.Email!);
        var stored = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var rows = await db.Set<Gatehouse.Server.Invitations.Invitation>().AsNoTracking().ToListAsync();
            var outbox = await db.Outbox.AsNoTracking().Select(m => m.PayloadJson).ToListAsync();
            return JsonSerializer.Serialize(rows) + string.Join('\n', outbox);
        });
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);

        // Someone else holding the token cannot use it; the addressee can, once.
        using var outsiderClient = app.ClientWith(outsiderToken);
        var stolen = await outsiderClient.PostAsJsonAsync("/api/invitations/accept", new { token });
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);
        Assert.Equal("invitation.invalid", await CodeOf(stolen));
        Assert.False(await IsMemberAsync(app, org.Id, outsider.Id));
        using var c = app.ClientWith(colleagueToken);
        Assert.Equal(HttpStatusCode.OK, (await c.PostAsJsonAsync("/api/invitations/accept", new { token })).StatusCode);
        Assert.True(await IsMemberAsync(app, org.Id, colleague.Id));
        Assert.Equal("invitation.invalid", await CodeOf(await c.PostAsJsonAsync("/api/invitations/accept", new { token })));

        // A revoked invitation cannot be accepted.
        var second = await (await o.PostAsJsonAsync($"/api/orgs/{org.Id}/invitations", new { email = outsider.Email })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.NoContent, (await o.DeleteAsync($"/api/invitations/{second.GetProperty("id").GetGuid()}")).StatusCode);
        Assert.Equal("invitation.invalid", await CodeOf(await outsiderClient.PostAsJsonAsync("/api/invitations/accept",
            new { token = await app.InvitationTokenAsync(outsider.Email!) })));
        Assert.False(await IsMemberAsync(app, org.Id, outsider.Id));
    }

    [Fact]
    public async Task Staff_join_a_vendor_organisation_only_through_an_admins_invitation()
    {
        var app = await servers.For(DbKind.Sqlite);
        var (owner, ownerToken) = await app.UserWithTokenAsync(Roles.Developer, "owner");
        var org = await app.CreateOrganizationAsync(owner.Id);
        var (reviewer, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "reviewer");
        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "admin2");
        using var o = app.ClientWith(ownerToken);
        using var r = app.ClientWith(reviewerToken);

        // The owner's invitation to a reviewer is answered like any other, but the reviewer cannot accept it.
        Assert.Equal(HttpStatusCode.Created, (await o.PostAsJsonAsync($"/api/orgs/{org.Id}/invitations", new { email = reviewer.Email })).StatusCode);
        var refused = await r.PostAsJsonAsync("/api/invitations/accept", new { token = await app.InvitationTokenAsync(reviewer.Email!) });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("invitation.staff-not-allowed", await CodeOf(refused));
        Assert.False(await IsMemberAsync(app, org.Id, reviewer.Id));
        // Nor may a reviewer found a vendor organisation of its own.
        var own = await r.PostAsJsonAsync("/api/orgs", new { name = "Reviewer's shop " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal("invitation.staff-not-allowed", await CodeOf(own));

        // An admin's invitation is the explicit allowance.
        using var a = app.ClientWith(adminToken);
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsJsonAsync($"/api/orgs/{org.Id}/invitations", new { email = reviewer.Email })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await r.PostAsJsonAsync("/api/invitations/accept", new { token = await app.InvitationTokenAsync(reviewer.Email!) })).StatusCode);
        Assert.True(await IsMemberAsync(app, org.Id, reviewer.Id));
    }

    [Fact]
    public async Task A_reviewer_who_is_not_a_member_sees_a_vendor_organisation_but_cannot_act_for_it()
    {
        var app = await servers.For(DbKind.Sqlite);
        var owner = await app.CreateUserAsync(Roles.Developer, "owner");
        var org = await app.CreateOrganizationAsync(owner.Id);
        var (_, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "reviewer");
        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "admin2");
        foreach (var token in new[] { reviewerToken, adminToken })
        {
            using var s = app.ClientWith(token);
            Assert.Equal(HttpStatusCode.OK, (await s.GetAsync($"/api/orgs/{org.Id}/apps")).StatusCode); // may see
            var register = await s.PostAsJsonAsync($"/api/orgs/{org.Id}/apps", new { slug = "staff-" + Guid.NewGuid().ToString("N")[..8], name = "Planted", type = "downloadable" });
            Assert.Equal(HttpStatusCode.Forbidden, register.StatusCode);
            Assert.Equal("org.members-only", await CodeOf(register));
            var upload = await s.PostAsync($"/api/orgs/{org.Id}/scans?name=noise.bin", new ByteArrayContent(new byte[1024]));
            Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
            Assert.Equal("org.members-only", await CodeOf(upload));
            var hook = await s.PostAsJsonAsync($"/api/orgs/{org.Id}/webhooks", new { url = "https://hooks.example.test/x", events = new[] { "*" } });
            Assert.Equal(HttpStatusCode.Forbidden, hook.StatusCode);
        }
        var rows = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            return await db.Apps.CountAsync(x => x.OrganizationId == org.Id) + await db.Scans.CountAsync(x => x.OrganizationId == org.Id);
        });
        Assert.Equal(0, rows);
    }

    [Fact]
    public async Task An_admin_creates_a_tenant_and_invites_its_admin_who_accepts_and_installs_an_app()
    {
        var app = await servers.For(DbKind.Sqlite);
        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "admin2");
        var (customer, customerToken) = await app.UserWithTokenAsync(Roles.Developer, "customer");
        var (_, devToken) = await app.UserWithTokenAsync(Roles.Developer, "dev");

        // Developers cannot create tenants; admins can, through the CLI.
        using (var dev = app.ClientWith(devToken))
            Assert.Equal(HttpStatusCode.Forbidden, (await dev.PostAsJsonAsync("/api/tenants", new { name = "Mine" })).StatusCode);
        var name = "Globex " + Guid.NewGuid().ToString("N")[..6];
        var created = await CliRunner.RunAsync(app, adminToken, "tenants", "create", name, "--format", "json");
        Assert.True(created.ExitCode == 0, created.Err);
        var tenantId = JsonDocument.Parse(created.Out).RootElement.GetProperty("id").GetGuid();
        var invited = await CliRunner.RunAsync(app, adminToken, "tenants", "invite", tenantId.ToString(), customer.Email!);
        Assert.True(invited.ExitCode == 0, invited.Err);
        Assert.Contains("sent to " + customer.Email, invited.Out, StringComparison.Ordinal);

        // Not an admin of the tenant until accepted; then the tenant lists them and they install a published app.
        using var c = app.ClientWith(customerToken);
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync($"/api/tenants/{tenantId}")).StatusCode);
        var accepted = await c.PostAsJsonAsync("/api/invitations/accept", new { token = await app.InvitationTokenAsync(customer.Email!) });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("tenant", (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("kind").GetString());
        var listed = await CliRunner.RunAsync(app, customerToken, "tenants", "list");
        Assert.Contains(name, listed.Out, StringComparison.Ordinal);

        var slug = await PublishedAppAsync(app);
        var install = await c.PostAsJsonAsync($"/api/tenants/{tenantId}/installations", new { app = slug });
        Assert.Equal(HttpStatusCode.Created, install.StatusCode);
    }

    /// <summary>A published downloadable app, written directly: the lifecycle is not what these tests are about.</summary>
    private static async Task<string> PublishedAppAsync(GatehouseApp app)
    {
        var owner = await app.CreateUserAsync(Roles.Developer, "vendor");
        var org = await app.CreateOrganizationAsync(owner.Id);
        return await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var a = new App { Id = Guid.NewGuid(), OrganizationId = org.Id, Slug = "tool-" + Guid.NewGuid().ToString("N")[..8], Name = "Tool", Type = AppTypes.Downloadable, Tier = "standard", CreatedBy = owner.Id, CreatedAt = now };
            db.Apps.Add(a);
            db.AppVersions.Add(new AppVersion { Id = Guid.NewGuid(), AppId = a.Id, OrganizationId = org.Id, Version = "1.0.0", State = VersionStates.Published, CreatedBy = owner.Id, CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync();
            return a.Slug;
        });
    }
}
