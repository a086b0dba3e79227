using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Health;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Server.Tests.Health;

/// <summary>Health, readiness, OpenAPI, problem details, and the first-run administrator.</summary>
public sealed class HostBehaviourTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Readiness_reports_each_dependency_and_names_the_database_to_admins_only(DbKind db)
    {
        var app = await servers.For(db);
        using var client = app.ClientWith(null);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var r = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // Anyone learns ready or not; engine versions and back-end types are a map for an attacker.
        var anonymousBody = await r.Content.ReadAsStringAsync();
        Assert.Equal("""{"status":"ready"}""", anonymousBody);
        var anonymousDetails = await client.GetAsync("/readyz/details"); // a page outside /api: to the sign-in form
        Assert.Equal(HttpStatusCode.Redirect, anonymousDetails.StatusCode);
        Assert.Equal("/account/login", anonymousDetails.Headers.Location!.AbsolutePath);
        var (_, devToken) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        using var developer = app.ClientWith(devToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await developer.GetAsync("/readyz/details")).StatusCode);

        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "admin");
        using var admin = app.ClientWith(adminToken);
        var details = await admin.GetAsync("/readyz/details");
        Assert.Equal(HttpStatusCode.OK, details.StatusCode);
        var body = await details.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ready", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        foreach (var name in new[] { "database", "blobs", "jobs" })
            Assert.Equal("ready", checks.GetProperty(name).GetProperty("status").GetString());
        Assert.Equal(db == DbKind.Sqlite ? "sqlite" : "postgres", checks.GetProperty("database").GetProperty("detail").GetString());
        Assert.False(string.IsNullOrEmpty(checks.GetProperty("yara").GetProperty("detail").GetString())); // the engine's description
    }

    private sealed class BrokenEngine : IReadinessCheck
    {
        public string Name => "clamd";
        public Task<ReadinessResult> CheckAsync(CancellationToken ct) => throw new IOException("connection refused");
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_dependency_that_throws_makes_the_server_not_ready(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, services: s => s.AddSingleton<IReadinessCheck, BrokenEngine>());
        using var client = app.ClientWith(null);
        var r = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
        Assert.Equal("""{"status":"not-ready"}""", await r.Content.ReadAsStringAsync());

        var (_, adminToken) = await app.UserWithTokenAsync(Roles.Admin, "admin");
        using var admin = app.ClientWith(adminToken);
        var details = await admin.GetAsync("/readyz/details");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, details.StatusCode);
        var body = await details.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not-ready", body.GetProperty("status").GetString());
        Assert.Equal("down", body.GetProperty("checks").GetProperty("clamd").GetProperty("status").GetString());
        Assert.Equal("IOException", body.GetProperty("checks").GetProperty("clamd").GetProperty("detail").GetString());
        Assert.Equal("ready", body.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task The_openapi_document_describes_the_api_and_has_a_browsable_ui(DbKind db)
    {
        var app = await servers.For(db);
        using var client = app.ClientWith(null);
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = doc.GetProperty("paths");
        foreach (var p in new[] { "/api/orgs", "/api/tokens", "/api/audit", "/api/me", "/readyz" })
            Assert.True(paths.TryGetProperty(p, out _), $"{p} missing from the OpenAPI document");
        var ui = await client.GetAsync("/openapi/ui/index.html");
        Assert.True(ui.StatusCode == HttpStatusCode.OK, ui.Headers.Location?.ToString());
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        var html = await ui.Content.ReadAsStringAsync();
        Assert.Contains("swagger", html, StringComparison.OrdinalIgnoreCase);
        // The API explorer gets the console's strict policy and headers; it works under them because its page
        // has no inline script or style (scripts, styles and the configuration index.js are files of this origin).
        var csp = ui.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", ui.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", ui.Headers.GetValues("X-Frame-Options").Single());
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", html);
        var config = await client.GetAsync("/openapi/ui/index.js");
        Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        Assert.Equal(csp, config.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Errors_are_problem_details_with_a_stable_code_and_a_doc_link(DbKind db)
    {
        var app = await servers.For(db);
        var (_, token) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        using var client = app.ClientWith(token);

        var notFound = await client.GetAsync($"/api/orgs/{Guid.NewGuid()}");
        Assert.Equal("application/problem+json", notFound.Content.Headers.ContentType!.MediaType);
        var nf = await notFound.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("request.not-found", nf.GetProperty("code").GetString());
        Assert.Equal("/docs/errors/request.not-found", nf.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(nf.GetProperty("traceId").GetString()));

        var invalid = await client.PostAsJsonAsync("/api/orgs", new { name = "" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("request.invalid", (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var malformed = await client.PostAsync("/api/orgs", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("request.invalid", (await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        using var anonymous = app.ClientWith(null);
        var unauth = await anonymous.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.Unauthorized, unauth.StatusCode);
        Assert.Equal("auth.unauthenticated", (await unauth.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Responses_carry_security_headers(DbKind db)
    {
        var app = await servers.For(db);
        using var client = app.ClientWith(null);
        var page = await client.GetAsync("/account/login");
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    // The one server of the suite that starts on a truly empty database (the others copy a migrated template):
    // a first run migrates from nothing, on both providers.
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task First_run_creates_one_admin_with_a_generated_password_printed_once(DbKind db)
    {
        var console = new StringWriter();
        await using var app = await GatehouseApp.StartOnEmptyDatabaseAsync(db,
            new Dictionary<string, string?> { ["Gatehouse:BootstrapAdminPassword"] = "" },
            s => s.Replace(ServiceDescriptor.Singleton(new StartupConsole(console))));
        var (all, applied) = await app.WithScopeAsync(async sp =>
        {
            var database = sp.GetRequiredService<GatehouseDb>().Database;
            return (database.GetMigrations().ToList(), (await database.GetAppliedMigrationsAsync()).ToList());
        });
        Assert.NotEmpty(all);
        Assert.Equal(all, applied);
        var printed = console.ToString();
        var password = System.Text.RegularExpressions.Regex.Match(printed, @"password: (\S+)").Groups[1].Value;
        Assert.Equal(24, password.Length);

        using var client = FormLogin.CookieClient(app);
        var login = await FormLogin.PostLoginAsync(client, GatehouseApp.AdminEmail, password);
        Assert.Equal("/account/", login.Headers.Location!.OriginalString);

        var again = new StringWriter();
        await app.StopAsync();
        await using var restarted = app.StartSibling(services: s => s.Replace(ServiceDescriptor.Singleton(new StartupConsole(again))));
        Assert.DoesNotContain("password", again.ToString(), StringComparison.Ordinal);
        var admins = await restarted.WithScopeAsync(async sp =>
            (await sp.GetRequiredService<UserManager<GatehouseUser>>().GetUsersInRoleAsync(Roles.Admin)).Count);
        Assert.Equal(1, admins);
    }
}
