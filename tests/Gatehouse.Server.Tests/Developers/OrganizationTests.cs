using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;

namespace Gatehouse.Server.Tests.Developers;

/// <summary>Vendor organisations: owners, members, and who sees what.</summary>
public sealed class OrganizationTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task The_developer_who_creates_an_organisation_owns_it_and_invites_members_who_accept(DbKind db)
    {
        var app = await servers.For(db);
        var (owner, token) = await app.UserWithTokenAsync(Roles.Developer, "owner");
        var colleague = await app.CreateUserAsync(Roles.Developer, "colleague");
        using var client = app.ClientWith(token);
        var created = await client.PostAsJsonAsync("/api/orgs", new { name = "Acme " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var org = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(owner.Id, org.GetProperty("ownerUserId").GetString());
        var id = org.GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync($"/api/orgs/{id}/invitations", new { email = colleague.Email })).StatusCode);
        var (colleagueToken, _) = await app.IssueTokenAsync(colleague.Id, Scopes.Read, Scopes.Write);
        using var colleagueClient = app.ClientWith(colleagueToken);
        Assert.Equal(HttpStatusCode.OK, (await colleagueClient.PostAsJsonAsync("/api/invitations/accept", new { token = await app.InvitationTokenAsync(colleague.Email!) })).StatusCode);
        var members = await client.GetFromJsonAsync<JsonElement>($"/api/orgs/{id}/members");
        Assert.Equal(
            new[] { (owner.Email!, "owner"), (colleague.Email!, "member") }.OrderBy(x => x.Item1, StringComparer.Ordinal),
            members.EnumerateArray().Select(m => (m.GetProperty("email").GetString()!, m.GetProperty("role").GetString()!)));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_member_who_is_not_the_owner_cannot_change_the_membership(DbKind db)
    {
        var app = await servers.For(db);
        var owner = await app.CreateUserAsync(Roles.Developer, "owner");
        var (member, memberToken) = await app.UserWithTokenAsync(Roles.Developer, "member");
        var outsider = await app.CreateUserAsync(Roles.Developer, "outsider");
        var org = await app.CreateOrganizationAsync(owner.Id);
        var (ownerToken, _) = await app.IssueTokenAsync(owner.Id);
        using var ownerClient = app.ClientWith(ownerToken);
        await app.JoinOrganizationAsync(org.Id, member);
        _ = ownerToken;

        using var memberClient = app.ClientWith(memberToken);
        Assert.Equal(HttpStatusCode.OK, (await memberClient.GetAsync($"/api/orgs/{org.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await memberClient.PostAsJsonAsync($"/api/orgs/{org.Id}/invitations", new { email = outsider.Email })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await memberClient.DeleteAsync($"/api/orgs/{org.Id}/members/{owner.Id}")).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Developers_list_only_their_own_organisations_while_reviewers_see_all(DbKind db)
    {
        var app = await servers.For(db);
        var (devA, tokenA) = await app.UserWithTokenAsync(Roles.Developer, "a");
        var devB = await app.CreateUserAsync(Roles.Developer, "b");
        var orgA = await app.CreateOrganizationAsync(devA.Id);
        var orgB = await app.CreateOrganizationAsync(devB.Id);
        var (_, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "rev");

        using var a = app.ClientWith(tokenA);
        var mine = (await a.GetFromJsonAsync<JsonElement>("/api/orgs")).EnumerateArray().Select(o => o.GetProperty("id").GetGuid()).ToList();
        Assert.Equal([orgA.Id], mine);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"/api/orgs/{orgB.Id}")).StatusCode);

        using var r = app.ClientWith(reviewerToken);
        var all = (await r.GetFromJsonAsync<JsonElement>("/api/orgs")).EnumerateArray().Select(o => o.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(orgA.Id, all);
        Assert.Contains(orgB.Id, all);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Only_an_admin_may_create_an_organisation_for_someone_else(DbKind db)
    {
        var app = await servers.For(db);
        var (_, devToken) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var victim = await app.CreateUserAsync(Roles.Developer, "victim");
        using var dev = app.ClientWith(devToken);
        var r = await dev.PostAsJsonAsync("/api/orgs", new { name = "Impostor " + Guid.NewGuid().ToString("N")[..6], ownerEmail = victim.Email });
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);

        var admin = await app.AdminAsync();
        var (adminToken, _) = await app.IssueTokenAsync(admin.Id);
        using var adm = app.ClientWith(adminToken);
        var ok = await adm.PostAsJsonAsync("/api/orgs", new { name = "Onboarded " + Guid.NewGuid().ToString("N")[..6], ownerEmail = victim.Email });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(victim.Id, (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ownerUserId").GetString());
    }
}
