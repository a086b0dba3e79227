using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Identity;

/// <summary>Tokens for the CLI and API: shown once, stored as HMAC, scoped, expiring, revocable, last-used.</summary>
public sealed class PersonalAccessTokenTests(SharedServers servers) : IClassFixture<SharedServers>
{
    private static async Task<string> CodeOf(HttpResponseMessage r) =>
        (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_new_token_is_shown_once_and_only_its_hmac_is_stored(DbKind db)
    {
        var app = await servers.For(db);
        var (user, bootstrap) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        using var client = app.ClientWith(bootstrap);
        var created = await client.PostAsJsonAsync("/api/tokens", new { name = "ci", scopes = new[] { "read" }, expiresInDays = 7 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString()!;
        Assert.Matches("^gatehouse_pat_[a-z2-7]{12}_[A-Za-z0-9]{40}$", token);

        var listed = await client.GetStringAsync("/api/tokens");
        Assert.DoesNotContain(token, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(token[^40..], listed, StringComparison.Ordinal);
        var row = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().PersonalAccessTokens.AsNoTracking()
            .SingleAsync(t => t.Id == body.GetProperty("id").GetString()));
        Assert.DoesNotContain(token[^40..], row.Hmac, StringComparison.Ordinal);
        Assert.Equal(64, row.Hmac.Length);
        Assert.Equal(user.Id, row.UserId);

        using var withNew = app.ClientWith(token);
        Assert.Equal(HttpStatusCode.OK, (await withNew.GetAsync("/api/me")).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_revoked_token_is_refused_at_once(DbKind db)
    {
        var app = await servers.For(db);
        var (_, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        using var client = app.ClientWith(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
        var id = token["gatehouse_pat_".Length..][..12];
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        var after = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("auth.invalid-token", await CodeOf(after));
        Assert.Contains("invalid_token", after.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_token_stops_working_when_it_expires(DbKind db)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var app = await GatehouseApp.StartAsync(db, services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var user = await app.CreateUserAsync(Roles.Developer, "dev");
        var (token, _) = await app.WithScopeAsync(sp => sp.GetRequiredService<TokenService>()
            .IssueAsync(user.Id, "short", [Scopes.Read], TimeSpan.FromHours(1), CancellationToken.None));
        using var client = app.ClientWith(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_read_only_token_can_read_but_not_write_or_mint_a_stronger_token(DbKind db)
    {
        var app = await servers.For(db);
        var user = await app.CreateUserAsync(Roles.Developer, "dev");
        var (token, _) = await app.IssueTokenAsync(user.Id, Scopes.Read);
        using var client = app.ClientWith(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/orgs")).StatusCode);
        var write = await client.PostAsJsonAsync("/api/orgs", new { name = "nope" });
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal("auth.insufficient-scope", await CodeOf(write));
        Assert.Contains("insufficient_scope", write.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/tokens", new { name = "up", scopes = new[] { "write" } })).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_developer_cannot_give_a_token_the_admin_scope(DbKind db)
    {
        var app = await servers.For(db);
        var (_, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        using var client = app.ClientWith(token);
        var r = await client.PostAsJsonAsync("/api/tokens", new { name = "x", scopes = new[] { "admin" } });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("request.invalid", await CodeOf(r));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Removing_a_role_takes_effect_on_existing_tokens_immediately(DbKind db)
    {
        var app = await servers.For(db);
        var (other, otherToken) = await app.UserWithTokenAsync(Roles.Admin, "second-admin");
        var admin = await app.AdminAsync();
        var (adminToken, _) = await app.IssueTokenAsync(admin.Id);
        using var otherClient = app.ClientWith(otherToken);
        Assert.Equal(HttpStatusCode.OK, (await otherClient.GetAsync("/api/users")).StatusCode);

        using var adminClient = app.ClientWith(adminToken);
        var change = await adminClient.PutAsJsonAsync($"/api/users/{other.Id}/roles", new { roles = new[] { Roles.Developer } });
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherClient.GetAsync("/api/users")).StatusCode);
    }

    [Theory]
    [InlineData("gatehouse_pat_")]
    [InlineData("gatehouse_pat_aaaaaaaaaaaa_")]
    [InlineData("gatehouse_pat_AAAAAAAAAAAA_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("gatehouse_pat_aaaaaaaaaaaa-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("gatehouse_pat_aaaaaaaaaaaa_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!")]
    [InlineData("ghp_0123456789abcdef0123456789abcdef0123")]
    public void Malformed_tokens_are_rejected_before_any_lookup(string presented) =>
        Assert.False(TokenService.TryParseId(presented, out _));

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_well_formed_but_unknown_token_is_refused_with_a_stable_code(DbKind db)
    {
        var app = await servers.For(db);
        var (_, real) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        // Same id, different secret: a guessed or corrupted token.
        var forged = real[..^1] + (real[^1] == 'a' ? 'b' : 'a');
        using var client = app.ClientWith(forged);
        var r = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.Equal("auth.invalid-token", await CodeOf(r));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Using_a_token_records_when_and_from_where(DbKind db)
    {
        var app = await servers.For(db);
        var (_, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        using var client = app.ClientWith(token);
        await client.GetAsync("/api/me");
        var list = await client.GetFromJsonAsync<JsonElement>("/api/tokens");
        var mine = list.EnumerateArray().Single();
        Assert.NotEqual(JsonValueKind.Null, mine.GetProperty("lastUsedAt").ValueKind);
    }
}
