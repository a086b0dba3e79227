using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Server.Agreements;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Agreements;

/// <summary>
/// The developer agreement: admins publish versions; a member accepts the current one on the
/// organisation's behalf by naming the SHA-256 of the text; a new version is pending until accepted.
/// </summary>
public sealed class AgreementTests
{
    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static async Task<string?> CodeOf(HttpResponseMessage r) =>
        (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();

    private sealed record Setup(GatehouseApp App, HttpClient Admin, HttpClient Dev, string DevId, Organization Org);

    private static async Task<Setup> SetUpAsync(GatehouseApp app)
    {
        var admin = await app.AdminAsync();
        var (adminToken, _) = await app.IssueTokenAsync(admin.Id);
        var (dev, devToken) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        var org = await app.CreateOrganizationAsync(dev.Id);
        return new Setup(app, app.ClientWith(adminToken), app.ClientWith(devToken), dev.Id, org);
    }

    private static async Task<JsonElement> PublishAsync(HttpClient admin, string title, string text)
    {
        var r = await admin.PostAsJsonAsync("/api/agreements", new { title, text });
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        return await r.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_member_accepts_the_current_version_by_its_hash_and_the_acceptance_is_recorded_once(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var s = await SetUpAsync(app);
        const string text = "# Developer agreement\n\nYou keep your users' data safe.\n";
        var published = await PublishAsync(s.Admin, "Developer agreement", text);
        Assert.Equal(1, published.GetProperty("version").GetInt32());
        Assert.Equal(Sha(text), published.GetProperty("sha256").GetString());

        var current = await s.Dev.GetFromJsonAsync<JsonElement>("/api/agreements/current");
        Assert.Equal(text, current.GetProperty("text").GetString());
        var before = await s.Dev.GetFromJsonAsync<JsonElement>($"/api/orgs/{s.Org.Id}/agreement");
        Assert.False(before.GetProperty("accepted").GetBoolean());
        Assert.Equal(1, before.GetProperty("pendingVersion").GetInt32());

        var accept = await s.Dev.PostAsJsonAsync($"/api/orgs/{s.Org.Id}/agreement/accept", new { version = 1, sha256 = current.GetProperty("sha256").GetString() });
        Assert.Equal(HttpStatusCode.Created, accept.StatusCode);
        var again = await s.Dev.PostAsJsonAsync($"/api/orgs/{s.Org.Id}/agreement/accept", new { version = 1, sha256 = Sha(text).ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var after = await s.Dev.GetFromJsonAsync<JsonElement>($"/api/orgs/{s.Org.Id}/agreement");
        Assert.True(after.GetProperty("accepted").GetBoolean());
        Assert.Equal(s.DevId, after.GetProperty("acceptedBy").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("pendingVersion").ValueKind);
        var rows = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AgreementAcceptances.AsNoTracking()
            .Where(a => a.OrganizationId == s.Org.Id).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal((s.DevId, 1, Sha(text)), (row.UserId, row.AgreementVersion, row.TextSha256));
        var audited = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries
            .CountAsync(e => e.Action == "agreement.accepted" && e.OrganizationId == s.Org.Id.ToString()));
        Assert.Equal(1, audited);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Accepting_with_a_hash_that_is_not_the_texts_is_refused(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var s = await SetUpAsync(app);
        await PublishAsync(s.Admin, "Developer agreement", "The real text.");
        var r = await s.Dev.PostAsJsonAsync($"/api/orgs/{s.Org.Id}/agreement/accept", new { version = 1, sha256 = Sha("A text the user never saw.") });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("agreement.hash-mismatch", await CodeOf(r));
        Assert.False(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AgreementAcceptances.AnyAsync(a => a.OrganizationId == s.Org.Id)));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Accepting_an_outdated_version_is_refused_and_names_the_current_one(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var s = await SetUpAsync(app);
        await PublishAsync(s.Admin, "Developer agreement", "Version one.");
        await PublishAsync(s.Admin, "Developer agreement", "Version two.");
        var r = await s.Dev.PostAsJsonAsync($"/api/orgs/{s.Org.Id}/agreement/accept", new { version = 1, sha256 = Sha("Version one.") });
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        var problem = await r.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("agreement.outdated", problem.GetProperty("code").GetString());
        Assert.Equal(2, problem.GetProperty("currentVersion").GetInt32());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_new_version_makes_the_organisation_pending_until_it_accepts_again(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var s = await SetUpAsync(app);
        await PublishAsync(s.Admin, "Developer agreement", "Version one.");
        Assert.Equal(HttpStatusCode.Created, (await s.Dev.PostAsJsonAsync($"/api/orgs/{s.Org.Id}/agreement/accept", new { version = 1, sha256 = Sha("Version one.") })).StatusCode);
        Assert.Null(await app.WithScopeAsync(sp => sp.GetRequiredService<AgreementGuard>().PendingVersionAsync(s.Org.Id, CancellationToken.None)));

        await PublishAsync(s.Admin, "Developer agreement v2", "Version two: new data-retention terms.");
        var status = await s.Dev.GetFromJsonAsync<JsonElement>($"/api/orgs/{s.Org.Id}/agreement");
        Assert.False(status.GetProperty("accepted").GetBoolean());
        Assert.Equal(2, status.GetProperty("currentVersion").GetInt32());
        Assert.Equal(2, status.GetProperty("pendingVersion").GetInt32());
        Assert.Equal(1, status.GetProperty("lastAcceptedVersion").GetInt32());
        Assert.Equal(2, await app.WithScopeAsync(sp => sp.GetRequiredService<AgreementGuard>().PendingVersionAsync(s.Org.Id, CancellationToken.None)));

        Assert.Equal(HttpStatusCode.Created, (await s.Dev.PostAsJsonAsync($"/api/orgs/{s.Org.Id}/agreement/accept",
            new { version = 2, sha256 = Sha("Version two: new data-retention terms.") })).StatusCode);
        Assert.Null(await app.WithScopeAsync(sp => sp.GetRequiredService<AgreementGuard>().PendingVersionAsync(s.Org.Id, CancellationToken.None)));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Only_admins_publish_and_before_the_first_version_there_is_no_current_one(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var s = await SetUpAsync(app);
        var none = await s.Dev.GetAsync("/api/agreements/current");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal("request.not-found", await CodeOf(none));
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Dev.PostAsJsonAsync("/api/agreements", new { title = "Mine", text = "I decide." })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Admin.PostAsJsonAsync("/api/agreements", new { title = "Bad", text = "bell\u0007" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Admin.PostAsJsonAsync("/api/agreements", new { title = "", text = "text" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await s.Admin.PostAsJsonAsync("/api/agreements",
            new { title = "Long", text = new string('x', DeveloperAgreements.MaxTextLength + 1) })).StatusCode);

        await PublishAsync(s.Admin, "Developer agreement", "Version one.");
        var same = await s.Admin.PostAsJsonAsync("/api/agreements", new { title = "Developer agreement", text = "Version one." });
        Assert.Equal(HttpStatusCode.Conflict, same.StatusCode);
        var list = await s.Dev.GetFromJsonAsync<JsonElement>("/api/agreements");
        Assert.Equal(1, list.GetArrayLength());
        Assert.False(list[0].TryGetProperty("text", out _));
        Assert.Equal("Version one.", (await s.Dev.GetFromJsonAsync<JsonElement>("/api/agreements/1")).GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await s.Dev.GetAsync("/api/agreements/7")).StatusCode);
        Assert.Equal(1, await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.CountAsync(e => e.Action == "agreement.published")));

        // Every organisation is told (here: its one member, by e-mail).
        var notices = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Outbox
            .Where(m => m.Event == "agreement.published").Select(m => new { m.OrganizationId, m.Recipient }).ToListAsync());
        var notice = Assert.Single(notices);
        Assert.Equal(s.Org.Id, notice.OrganizationId);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Outsiders_get_404_and_staff_who_are_not_members_cannot_accept_for_an_organisation(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var s = await SetUpAsync(app);
        await PublishAsync(s.Admin, "Developer agreement", "Version one.");
        var (_, otherToken) = await app.UserWithTokenAsync(Roles.Developer, "other");
        using var other = app.ClientWith(otherToken);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/orgs/{s.Org.Id}/agreement")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/api/orgs/{s.Org.Id}/agreement/accept", new { version = 1, sha256 = Sha("Version one.") })).StatusCode);

        var (_, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "reviewer");
        using var reviewer = app.ClientWith(reviewerToken);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.GetAsync($"/api/orgs/{s.Org.Id}/agreement")).StatusCode);
        var r = await reviewer.PostAsJsonAsync($"/api/orgs/{s.Org.Id}/agreement/accept", new { version = 1, sha256 = Sha("Version one.") });
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.False(await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AgreementAcceptances.AnyAsync(a => a.OrganizationId == s.Org.Id)));
    }
}
