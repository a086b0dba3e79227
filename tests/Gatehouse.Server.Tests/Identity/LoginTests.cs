using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Identity;

/// <summary>Console sign-in: cookie session, antiforgery, lock-out, and the audit trail of each.</summary>
public sealed class LoginTests(SharedServers servers) : IClassFixture<SharedServers>
{
    /// <summary>The audit actions about <paramref name="user"/> (the class's tests share a server).</summary>
    private static Task<List<string>> ActionsAsync(GatehouseApp app, GatehouseUser user) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.Where(e => e.Subject == user.Id)
            .OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync());

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_person_signs_in_with_the_form_and_the_login_is_audited(DbKind db)
    {
        var app = await servers.For(db);
        var user = await app.CreateUserAsync(Roles.Developer, "dev", "correct horse battery");
        using var client = FormLogin.CookieClient(app);
        var login = await FormLogin.PostLoginAsync(client, user.Email!, "correct horse battery");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/account/", login.Headers.Location!.OriginalString);
        var cookie = string.Join(";", login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("gatehouse.session=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal(user.Email, me.GetProperty("email").GetString());
        Assert.Contains(AuditActions.LoginSucceeded, await ActionsAsync(app, user));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_login_post_without_the_antiforgery_token_is_refused(DbKind db)
    {
        var app = await servers.For(db);
        var user = await app.CreateUserAsync(Roles.Developer, "dev", "correct horse battery");
        using var client = FormLogin.CookieClient(app);
        var login = await FormLogin.PostLoginAsync(client, user.Email!, "correct horse battery", withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Equal("auth.antiforgery", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.DoesNotContain(AuditActions.LoginSucceeded, await ActionsAsync(app, user));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one(DbKind db)
    {
        var app = await servers.For(db);
        var user = await app.CreateUserAsync(Roles.Developer, "dev", "correct horse battery");
        using var client = FormLogin.CookieClient(app);
        for (var i = 0; i < 5; i++)
        {
            var bad = await FormLogin.PostLoginAsync(client, user.Email!, "wrong password " + i);
            Assert.Equal("/account/login?error=1", bad.Headers.Location!.OriginalString);
        }
        var right = await FormLogin.PostLoginAsync(client, user.Email!, "correct horse battery");
        Assert.Equal("/account/login?error=1", right.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
        var actions = await ActionsAsync(app, user);
        Assert.True(actions.Count(a => a == AuditActions.LoginFailed) >= 4);
        Assert.Contains(AuditActions.LoginLockedOut, actions);
        Assert.DoesNotContain(AuditActions.LoginSucceeded, actions);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Cookie_sessions_must_send_the_antiforgery_header_to_change_anything_through_the_api(DbKind db)
    {
        var app = await servers.For(db);
        var user = await app.CreateUserAsync(Roles.Developer, "dev", "correct horse battery");
        using var client = FormLogin.CookieClient(app);
        await FormLogin.PostLoginAsync(client, user.Email!, "correct horse battery");

        var forged = await client.PostAsJsonAsync("/api/orgs", new { name = "Forged " + Guid.NewGuid().ToString("N")[..6] });
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal("auth.antiforgery", (await forged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var af = await client.GetFromJsonAsync<JsonElement>("/api/antiforgery");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orgs")
        {
            Content = JsonContent.Create(new { name = "Real " + Guid.NewGuid().ToString("N")[..6] }),
        };
        request.Headers.Add(af.GetProperty("headerName").GetString()!, af.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(request)).StatusCode);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task The_account_page_issues_a_token_that_the_cli_can_use(DbKind db)
    {
        var app = await servers.For(db);
        var user = await app.CreateUserAsync(Roles.Developer, "dev", "correct horse battery");
        using var client = FormLogin.CookieClient(app);
        await FormLogin.PostLoginAsync(client, user.Email!, "correct horse battery");
        var af = await FormLogin.FormTokenAsync(client, "/account/");
        var page = await client.PostAsync("/account/tokens", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", af), new("name", "laptop"), new("days", "30"), new("scopes", "read"),
        ]));
        var html = await page.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "gatehouse_pat_[a-z2-7]{12}_[A-Za-z0-9]{40}").Value;
        Assert.NotEmpty(token);

        var cli = await CliRunner.RunAsync(app, token, "version", "--format", "json");
        Assert.Equal(0, cli.ExitCode);
        Assert.NotEqual(JsonValueKind.Null, JsonDocument.Parse(cli.Out).RootElement.GetProperty("server").ValueKind);
    }
}
