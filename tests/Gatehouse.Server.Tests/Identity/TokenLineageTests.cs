using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Identity;

/// <summary>
/// Issue 12 item 9: a token minted with a token never outlives it nor holds more, dies with it, and admin-scope
/// tokens come only from a console session that passed two-factor authentication.
/// </summary>
public sealed class TokenLineageTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private static async Task<string> CodeOf(HttpResponseMessage r) =>
        (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;

    [Fact]
    public async Task A_token_minted_by_a_one_day_token_cannot_outlive_or_outrank_it_and_is_revoked_with_it()
    {
        var app = await servers.For(DbKind.Sqlite);
        var admin = await app.CreateUserAsync(Roles.Admin, "adm");
        var (parent, parentRecord) = await app.IssueTokenAsync(admin.Id, Scopes.Read, Scopes.Write, Scopes.Admin); // valid 1 day
        using var withParent = app.ClientWith(parent);
        // The parent's expiry as the database holds it (SQLite's encoding of DateTimeOffset is coarser than the clock).
        var parentExpires = await app.WithScopeAsync(sp => sp.GetRequiredService<Gatehouse.Server.Data.GatehouseDb>().PersonalAccessTokens.AsNoTracking()
            .Where(t => t.Id == parentRecord.Id).Select(t => t.ExpiresAt).SingleAsync());

        // 366 days asked for: what is left of the parent's day granted, no more.
        var longer = await withParent.PostAsJsonAsync("/api/tokens", new { name = "long", scopes = new[] { "read" }, expiresInDays = 366 });
        Assert.Equal(HttpStatusCode.Created, longer.StatusCode);
        var longerBody = await longer.Content.ReadFromJsonAsync<JsonElement>();
        var longerId = longerBody.GetProperty("id").GetString();
        Assert.True(longerBody.GetProperty("expiresAt").GetDateTimeOffset() <= parentExpires.AddSeconds(1));
        var stored = await app.WithScopeAsync(sp => sp.GetRequiredService<Gatehouse.Server.Data.GatehouseDb>().PersonalAccessTokens.AsNoTracking().SingleAsync(t => t.Id == longerId));
        Assert.True(stored.ExpiresAt <= parentExpires.AddSeconds(1));
        var admin2 = await withParent.PostAsJsonAsync("/api/tokens", new { name = "adm", scopes = new[] { "admin" }, expiresInDays = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, admin2.StatusCode);
        Assert.Equal("auth.two-factor-required", await CodeOf(admin2));

        // The default lifetime (90 days) is cut to the parent's expiry; the parent is recorded.
        var child = await (await withParent.PostAsJsonAsync("/api/tokens", new { name = "child", scopes = new[] { "read", "write" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(child.GetProperty("expiresAt").GetDateTimeOffset() <= parentExpires.AddSeconds(1));
        Assert.Equal(parentRecord.Id, child.GetProperty("parentId").GetString());
        using var withChild = app.ClientWith(child.GetProperty("token").GetString());
        var grandchild = await (await withChild.PostAsJsonAsync("/api/tokens", new { name = "grandchild", scopes = new[] { "read" } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        using var withGrandchild = app.ClientWith(grandchild.GetProperty("token").GetString());
        // A read-only grandchild cannot mint a write token (refused for its missing scope before anything is made).
        Assert.Equal(HttpStatusCode.Forbidden, (await withGrandchild.PostAsJsonAsync("/api/tokens", new { name = "up", scopes = new[] { "write" } })).StatusCode);
        var listed = await withParent.GetFromJsonAsync<JsonElement>("/api/tokens");
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("id").GetString() == grandchild.GetProperty("id").GetString()
            && t.GetProperty("parentId").GetString() == child.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await withGrandchild.GetAsync("/api/me")).StatusCode);

        // Revoking the first token revokes what it minted, transitively.
        Assert.Equal(HttpStatusCode.NoContent, (await withParent.DeleteAsync($"/api/tokens/{parentRecord.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withChild.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await withGrandchild.GetAsync("/api/me")).StatusCode);
        var rows = await app.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<Gatehouse.Server.Data.GatehouseDb>().PersonalAccessTokens
            .Where(t => t.UserId == admin.Id).Select(t => t.RevokedAt).ToList()));
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.NotNull(r));
    }

    [Fact]
    public async Task An_admin_scope_token_comes_only_from_a_console_session_signed_in_with_two_factor()
    {
        var app = await servers.For(DbKind.Sqlite);
        var admin = await app.CreateUserAsync(Roles.Admin, "adm", "correct horse battery");
        using var session = FormLogin.CookieClient(app);
        Assert.Equal("/account/", (await FormLogin.SignInAsync(app, session, admin.Email!, "correct horse battery")).Headers.Location!.OriginalString);
        var af = (await session.GetFromJsonAsync<JsonElement>("/api/antiforgery")).GetProperty("token").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tokens") { Content = JsonContent.Create(new { name = "ops", scopes = new[] { "admin", "read", "write" }, expiresInDays = 30 }) };
        request.Headers.Add("X-CSRF-TOKEN", af);
        var made = await session.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var body = await made.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("parentId").ValueKind);

        // That admin token cannot mint another admin token.
        using var withToken = app.ClientWith(body.GetProperty("token").GetString());
        var again = await withToken.PostAsJsonAsync("/api/tokens", new { name = "more", scopes = new[] { "admin" }, expiresInDays = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Equal("auth.two-factor-required", await CodeOf(again));

        // A session that signed in with the password alone does not either, even once the account has 2FA on.
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "rev", "correct horse battery");
        using var passwordOnly = FormLogin.CookieClient(app);
        Assert.Equal("/account/", (await FormLogin.PostLoginAsync(passwordOnly, reviewer.Email!, "correct horse battery")).Headers.Location!.OriginalString);
        await app.WithScopeAsync(sp => sp.GetRequiredService<Gatehouse.Server.Data.GatehouseDb>().Users.Where(u => u.Id == reviewer.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.TwoFactorEnabled, true)));
        var af2 = (await passwordOnly.GetFromJsonAsync<JsonElement>("/api/antiforgery")).GetProperty("token").GetString()!;
        foreach (var (scope, status) in new[] { ("admin", HttpStatusCode.Forbidden), ("read", HttpStatusCode.Created) })
        {
            using var r = new HttpRequestMessage(HttpMethod.Post, "/api/tokens") { Content = JsonContent.Create(new { name = "x", scopes = new[] { scope }, expiresInDays = 1 }) };
            r.Headers.Add("X-CSRF-TOKEN", af2);
            Assert.Equal(status, (await passwordOnly.SendAsync(r)).StatusCode);
        }
    }
}
