using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Audit;

/// <summary>
/// The audit log's promises, checked through the real server and the real CLI: actions are
/// recorded in a chain; the database refuses changes; and when someone with direct database
/// access alters or deletes a row anyway, <c>gatehouse audit verify</c> names the first broken link.
/// </summary>
public sealed class AuditChainTamperTests(AuditChainTamperTests.UntouchedHistory untouched) : IClassFixture<AuditChainTamperTests.UntouchedHistory>
{
    /// <summary>
    /// One server per database with the history of <see cref="AppWithHistoryAsync"/>, shared by the tests that only
    /// read it (the tests that tamper with the chain start their own).
    /// </summary>
    public sealed class UntouchedHistory : IAsyncLifetime
    {
        private readonly Dictionary<DbKind, Task<(GatehouseApp App, string AdminToken)>> _servers = [];
        private readonly Lock _gate = new();

        public Task<(GatehouseApp App, string AdminToken)> For(DbKind db)
        {
            lock (_gate)
            {
                if (!_servers.TryGetValue(db, out var server)) _servers[db] = server = AppWithHistoryAsync(db);
                return server;
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            foreach (var server in _servers.Values)
                if (server.IsCompletedSuccessfully) await server.Result.App.DisposeAsync();
        }
    }

    private static async Task<(GatehouseApp App, string AdminToken)> AppWithHistoryAsync(DbKind db)
    {
        var app = await GatehouseApp.StartAsync(db);
        var admin = await app.AdminAsync();
        var (adminToken, _) = await app.IssueTokenAsync(admin.Id);
        var (dev, devToken) = await app.UserWithTokenAsync(Roles.Developer, "dev");
        using var devClient = app.ClientWith(devToken);
        // A few security-relevant actions through the API, each of which must be audited.
        var org = await (await devClient.PostAsJsonAsync("/api/orgs", new { name = "Audit Org " + Guid.NewGuid().ToString("N")[..6] }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var other = await app.CreateUserAsync(Roles.Developer, "other");
        (await devClient.PostAsJsonAsync($"/api/orgs/{org.GetProperty("id").GetString()}/invitations", new { email = other.Email })).EnsureSuccessStatusCode();
        using var adminClient = app.ClientWith(adminToken);
        (await adminClient.PutAsJsonAsync($"/api/users/{other.Id}/roles", new { roles = new[] { Roles.Reviewer } })).EnsureSuccessStatusCode();
        (await devClient.PostAsJsonAsync("/api/tokens", new { name = "ci", scopes = new[] { "read" } })).EnsureSuccessStatusCode();
        _ = dev;
        return (app, adminToken);
    }

    /// <summary>Runs raw SQL as someone with database access would (braces are doubled: EF formats the text).</summary>
    private static Task<int> ExecAsync(GatehouseApp app, string sqlite, string postgres) =>
        app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Database
            .ExecuteSqlRawAsync(app.Kind == DbKind.Sqlite ? sqlite : postgres));

    private static Task DisableAppendOnlyTriggersAsync(GatehouseApp app) => ExecAsync(app,
        "DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;",
        "ALTER TABLE audit_entries DISABLE TRIGGER USER;");

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Security_relevant_actions_are_recorded_in_order_with_who_and_what(DbKind db)
    {
        var (app, adminToken) = await untouched.For(db);
        using var client = app.ClientWith(adminToken);
        var page = await client.GetFromJsonAsync<JsonElement>("/api/audit?limit=100");
        var actions = page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(
            [AuditActions.BootstrapAdminCreated, AuditActions.OrganizationCreated, AuditActions.InvitationCreated,
             AuditActions.UserRolesChanged, AuditActions.TokenIssued],
            actions);
        var seqs = page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task The_cli_finds_an_untouched_chain_intact(DbKind db)
    {
        var (app, adminToken) = await untouched.For(db);
        // The chain alone: the set-up tokens are issued behind the API's back, so the state has gaps (AuditGapTests).
        var r = await CliRunner.RunAsync(app, adminToken, "audit", "verify", "--no-gaps", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Err + r.Out);
        var json = JsonDocument.Parse(r.Out).RootElement;
        Assert.True(json.GetProperty("intact").GetBoolean());
        Assert.Equal(5, json.GetProperty("verified").GetInt64());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task The_database_refuses_to_update_or_delete_audit_rows(DbKind db)
    {
        var (app, _) = await untouched.For(db);
        var update = await Assert.ThrowsAnyAsync<Exception>(() => ExecAsync(app,
            "UPDATE audit_entries SET Data = '{{}}' WHERE Sequence = 2", """UPDATE audit_entries SET "Data" = '{{}}' WHERE "Sequence" = 2"""));
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        var delete = await Assert.ThrowsAnyAsync<Exception>(() => ExecAsync(app,
            "DELETE FROM audit_entries WHERE Sequence = 2", """DELETE FROM audit_entries WHERE "Sequence" = 2"""));
        Assert.Contains("append-only", delete.Message, StringComparison.Ordinal);
        var count = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.CountAsync());
        Assert.Equal(5, count);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task An_altered_row_is_reported_as_the_first_broken_link(DbKind db)
    {
        var (app, adminToken) = await AppWithHistoryAsync(db);
        await using var _ = app;
        await DisableAppendOnlyTriggersAsync(app);
        // Someone rewrites who was given a role, leaving the hashes as they were.
        await ExecAsync(app,
            """UPDATE audit_entries SET Data = '{{"from":[],"to":["developer"]}}' WHERE Sequence = 4""",
            """UPDATE audit_entries SET "Data" = '{{"from":[],"to":["developer"]}}' WHERE "Sequence" = 4""");

        var r = await CliRunner.RunAsync(app, adminToken, "audit", "verify", "--format", "json");
        Assert.Equal(1, r.ExitCode);
        var brk = JsonDocument.Parse(r.Out).RootElement.GetProperty("break");
        Assert.Equal(4, brk.GetProperty("sequence").GetInt64());
        Assert.Equal("audit.hash-mismatch", brk.GetProperty("code").GetString());

        using var client = app.ClientWith(adminToken);
        var server = await client.GetFromJsonAsync<JsonElement>("/api/audit/verify");
        Assert.False(server.GetProperty("intact").GetBoolean());
        Assert.Equal(4, server.GetProperty("break").GetProperty("sequence").GetInt64());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_deleted_row_is_reported_as_a_gap(DbKind db)
    {
        var (app, adminToken) = await AppWithHistoryAsync(db);
        await using var _ = app;
        await DisableAppendOnlyTriggersAsync(app);
        await ExecAsync(app, "DELETE FROM audit_entries WHERE Sequence = 3", """DELETE FROM audit_entries WHERE "Sequence" = 3""");

        var r = await CliRunner.RunAsync(app, adminToken, "audit", "verify");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("audit.gap", r.Out + r.Err, StringComparison.Ordinal);
        Assert.Contains("#3", r.Out + r.Err, StringComparison.Ordinal);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Deleting_the_newest_rows_is_caught_by_a_recorded_anchor(DbKind db)
    {
        var (app, adminToken) = await AppWithHistoryAsync(db);
        await using var _ = app;
        var head = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.OrderByDescending(e => e.Sequence).FirstAsync());
        await DisableAppendOnlyTriggersAsync(app);
        await ExecAsync(app, "DELETE FROM audit_entries WHERE Sequence >= 4", """DELETE FROM audit_entries WHERE "Sequence" >= 4""");

        var plain = await CliRunner.RunAsync(app, adminToken, "audit", "verify", "--no-gaps");
        Assert.Equal(0, plain.ExitCode); // a chain alone cannot see its tail cut off...
        var anchored = await CliRunner.RunAsync(app, adminToken, "audit", "verify", "--expect-head", $"{head.Sequence}:{head.Hash}");
        Assert.Equal(1, anchored.ExitCode); // ...an anchor recorded earlier can.
        Assert.Contains("audit.head-mismatch", anchored.Out + anchored.Err, StringComparison.Ordinal);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Only_admins_read_the_audit_log(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var (_, reviewerToken) = await app.UserWithTokenAsync(Roles.Reviewer, "rev");
        using var client = app.ClientWith(reviewerToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/audit")).StatusCode);
        var cli = await CliRunner.RunAsync(app, reviewerToken, "audit", "verify");
        Assert.Equal(3, cli.ExitCode); // the check could not run: incomplete, never "intact"
    }
}
