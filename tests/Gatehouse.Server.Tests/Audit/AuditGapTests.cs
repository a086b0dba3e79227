using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Server.ApiKeys;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Evidence;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Audit;

/// <summary>
/// Issue 14, item 5: <c>GET /api/audit/verify</c> and <c>gatehouse audit verify</c> compare the state with the chain and
/// name every transition, decision, upload, token and key event that has no audit entry. The world is made through the
/// API and the services (so its entries are the ones the code writes); gaps are made the two ways a crash or a write
/// behind the server's back leaves them: a state row saved without its entry, and an entry lost after the fact.
/// </summary>
public sealed class AuditGapTests
{
    /// <summary>A world whose every state change went through the code that audits it.</summary>
    private sealed record World(GatehouseApp App, string AdminToken, HttpClient Vendor, Guid OrgId, string Slug, Guid VersionId,
        string CiTokenId, string KeyId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Vendor.Dispose();
            await App.DisposeAsync();
        }
    }

    private static async Task<World> WorldAsync(DbKind db)
    {
        var app = await GatehouseApp.StartAsync(db);
        var admin = await app.AdminAsync();
        var (adminToken, _) = await app.IssueAuditedTokenAsync(admin.Id);
        var dev = await app.CreateUserAsync(Roles.Developer, "dev");
        var (devToken, _) = await app.IssueAuditedTokenAsync(dev.Id, [.. Scopes.AllowedFor([Roles.Developer])]);
        var reviewer = await app.CreateUserAsync(Roles.Reviewer, "rev");
        var vendor = app.ClientWith(devToken);

        var org = await (await vendor.PostAsJsonAsync("/api/orgs", new { name = "Gap Org " + Guid.NewGuid().ToString("N")[..6] }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var orgId = Guid.Parse(org.GetProperty("id").GetString()!);
        var slug = $"gap-{Guid.NewGuid():N}"[..20];
        Assert.Equal(HttpStatusCode.Created, (await vendor.PostAsJsonAsync($"/api/orgs/{orgId}/apps",
            new { slug, name = "Gap App", type = "downloadable", tier = "standard" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version = "1.0.0" })).StatusCode);
        var upload = await vendor.PutAsync($"/api/apps/{slug}/versions/1.0.0/artifact?name=gap.zip",
            new ByteArrayContent("gap check artifact"u8.ToArray()) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var ci = await (await vendor.PostAsJsonAsync("/api/tokens", new { name = "ci", scopes = new[] { "read" } })).Content.ReadFromJsonAsync<JsonElement>();
        var key = await (await vendor.PostAsJsonAsync($"/api/apps/{slug}/api-keys", new { name = "k1", scopes = new[] { Gatehouse.Server.Platform.PlatformScopes.ProjectsRead } }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var keyId = key.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await vendor.DeleteAsync($"/api/api-keys/{keyId}")).StatusCode);
        using (var staff = app.ClientWith(adminToken))
        {
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/apps/{slug}/kill-switch", new { reason = "gap check" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await staff.PostAsJsonAsync($"/api/apps/{slug}/kill-switch/lift", new { reason = "gap check over" })).StatusCode);
        }

        // Transitions and a decision through the workflow (the scan itself is not what is checked here).
        var versionId = await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var workflow = sp.GetRequiredService<VersionWorkflow>();
            var a = await db.Apps.SingleAsync(x => x.Slug == slug);
            var v = await db.AppVersions.SingleAsync(x => x.AppId == a.Id);
            foreach (var (action, caller) in new[]
            {
                (Lifecycle.Actions.Submit, new Caller(dev.Id, Actor.Vendor)),
                (Lifecycle.Actions.ScanCompleted, Caller.System),
                (Lifecycle.Actions.Approve, new Caller(reviewer.Id, Actor.Staff)),
            })
            {
                await workflow.ApplyAsync(a, v, Lifecycle.Find(action, v.State, caller.As)!, caller, [], null, CancellationToken.None);
                await db.SaveChangesAsync();
            }
            return v.Id;
        });
        return new World(app, adminToken, vendor, orgId, slug, versionId, ci.GetProperty("id").GetString()!, keyId);
    }

    private static async Task<JsonElement> VerifyAsync(World w)
    {
        using var admin = w.App.ClientWith(w.AdminToken);
        return await admin.GetFromJsonAsync<JsonElement>("/api/audit/verify");
    }

    private static List<(string Kind, string Subject, string Action)> Gaps(JsonElement report) =>
        report.GetProperty("gaps").EnumerateArray()
            .Select(g => (g.GetProperty("kind").GetString()!, g.GetProperty("subject").GetString()!.ToLowerInvariant(), g.GetProperty("action").GetString()!))
            .Order().ToList();

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task State_rows_saved_without_their_entry_are_reported_and_nothing_else(DbKind db)
    {
        await using var w = await WorldAsync(db);

        var clean = await VerifyAsync(w);
        Assert.True(clean.GetProperty("intact").GetBoolean());
        Assert.True(clean.GetProperty("ok").GetBoolean(), clean.ToString());
        Assert.Equal(0, clean.GetProperty("gapCount").GetInt32());
        var cleanCli = await CliRunner.RunAsync(w.App, w.AdminToken, "audit", "verify");
        Assert.True(cleanCli.ExitCode == 0, cleanCli.Out + cleanCli.Err);
        Assert.Contains("chain ok, no state change without an audit entry", cleanCli.Out, StringComparison.Ordinal);

        // What a crash between "save the state" and "append its entry" leaves: state rows with no entry. The chain
        // itself stays intact, which is why the chain alone could not tell.
        var (tokenId, keyId, evidenceId, orgId, appId) = ("rawtoken" + Guid.NewGuid().ToString("N")[..20], "rawkey" + Guid.NewGuid().ToString("N")[..10],
            Guid.NewGuid(), Guid.Empty, Guid.NewGuid());
        var suspension = Guid.Empty;
        var owner = await w.App.CreateUserAsync(Roles.Developer, "owner");
        orgId = (await w.App.CreateOrganizationAsync(owner.Id)).Id; // the test helper writes the row directly, unaudited
        await w.App.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var v = await d.AppVersions.AsNoTracking().SingleAsync(x => x.Id == w.VersionId);
            d.VersionTransitions.Add(new VersionTransition
            {
                AppVersionId = v.Id, AppId = v.AppId, OrganizationId = v.OrganizationId, From = "in-review", To = "approved",
                Action = Lifecycle.Actions.Approve, ReasonCodes = "[]", Actor = owner.Id, At = now.AddMinutes(1),
            });
            d.VersionTransitions.Add(new VersionTransition
            {
                AppVersionId = v.Id, AppId = v.AppId, OrganizationId = v.OrganizationId, From = "scanning", To = "scanning",
                Action = Lifecycle.Actions.ScanRetry, ReasonCodes = "[]", Actor = "system", At = now.AddMinutes(2),
            });
            d.PersonalAccessTokens.Add(new PersonalAccessToken
            {
                Id = tokenId, UserId = owner.Id, Name = "raw", Scopes = "read", Hmac = new string('0', 64), CreatedAt = now, ExpiresAt = now.AddDays(1),
            });
            d.ApiKeys.Add(new ApiKey
            {
                Id = keyId, AppId = v.AppId, OrganizationId = v.OrganizationId, Name = "raw", Scopes = "projects.read", Hmac = new string('0', 64),
                CreatedBy = owner.Id, CreatedAt = now, ExpiresAt = now.AddDays(1),
            });
            d.EvidenceItems.Add(new EvidenceItem
            {
                Id = evidenceId, OrganizationId = v.OrganizationId, Type = "other", Issuer = "Example Ltd", Scope = "all", ValidFrom = now, ValidUntil = now.AddDays(90),
                BlobDigest = "sha256:" + new string('1', 64), FileName = "cert.pdf", Size = 1, Status = EvidenceStatus.Verified,
                UploadedBy = owner.Id, UploadedAt = now, ReviewedBy = owner.Id, ReviewedAt = now,
            });
            var suspensionId = Guid.NewGuid();
            d.Add(new Gatehouse.Server.OAuth.AppAccessSuspension
            {
                Id = suspensionId, AppId = v.AppId, OrganizationId = v.OrganizationId, Source = "kill-switch", Reason = "raw", SuspendedBy = owner.Id,
                SuspendedAt = now.AddMinutes(3), LiftedAt = now.AddMinutes(4), LiftedBy = owner.Id, LiftReason = "raw",
            });
            suspension = suspensionId;
            d.Apps.Add(new App { Id = appId, OrganizationId = v.OrganizationId, Slug = "raw-" + Guid.NewGuid().ToString("N")[..8], Name = "Raw", Type = "downloadable", Tier = "standard", CreatedBy = owner.Id, CreatedAt = now });
            await d.SaveChangesAsync();
            await d.AppVersions.Where(x => x.Id == w.VersionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ArtifactDigest, "sha256:" + new string('a', 64)));
            await d.PersonalAccessTokens.Where(t => t.Id == w.CiTokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now));
        });

        var report = await VerifyAsync(w);
        var version = w.VersionId.ToString();
        Assert.Equal(new List<(string, string, string)>
        {
            ("app.created", appId.ToString(), AuditActions.AppCreated),
            ("apikey.created", keyId, AuditActions.ApiKeyCreated),
            ("decision", version, "version.approve"),
            ("evidence", evidenceId.ToString(), AuditActions.EvidenceSubmitted),
            ("evidence.decision", evidenceId.ToString(), AuditActions.EvidenceVerified),
            ("org.created", orgId.ToString(), AuditActions.OrganizationCreated),
            ("token.issued", tokenId, AuditActions.TokenIssued),
            ("token.revoked", w.CiTokenId.ToLowerInvariant(), AuditActions.TokenRevoked),
            ("transition", version, "version.scan-retry"),
            ("upload", version, AuditActions.VersionArtifactUploaded),
            ("suspension", w.Slug, "oauth.kill-switch"),
            ("suspension.lifted", suspension.ToString(), "oauth.access-restored"),
        }.Order().ToList(), Gaps(report));
        Assert.True(report.GetProperty("intact").GetBoolean()); // the chain's verdict keeps its meaning...
        Assert.False(report.GetProperty("ok").GetBoolean());    // ...and the new overall one sees the gaps
        Assert.Equal(12, report.GetProperty("gapCount").GetInt32());
        // Of two approvals with one entry, the one without is the later (the entry was written with the first).
        var approval = report.GetProperty("gaps").EnumerateArray().Single(g => g.GetProperty("kind").GetString() == "decision");
        Assert.Contains($"by {owner.Id}", approval.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var cli = await CliRunner.RunAsync(w.App, w.AdminToken, "audit", "verify");
        Assert.True(cli.ExitCode == Gatehouse.Cli.ExitCodes.UnauditedChanges, cli.Out + cli.Err);
        Assert.Contains("chain ok, 12 state changes without an audit entry:", cli.Out, StringComparison.Ordinal);
        foreach (var id in new[] { version, tokenId, w.CiTokenId, keyId, evidenceId.ToString(), orgId.ToString(), appId.ToString() })
            Assert.Contains(id, cli.Out, StringComparison.OrdinalIgnoreCase);
        var json = await CliRunner.RunAsync(w.App, w.AdminToken, "audit", "verify", "--format", "json");
        Assert.Equal(Gaps(report), Gaps(JsonDocument.Parse(json.Out).RootElement));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Entries_lost_after_the_fact_are_reported_as_gaps_beside_the_broken_chain(DbKind db)
    {
        await using var w = await WorldAsync(db);
        await w.App.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            await d.Database.ExecuteSqlRawAsync(db == DbKind.Sqlite
                ? "DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;"
                : "ALTER TABLE audit_entries DISABLE TRIGGER USER;");
            var version = w.VersionId.ToString();
            await d.AuditEntries.Where(e =>
                    (e.Subject == version && (e.Action == "version.approve" || e.Action == AuditActions.VersionArtifactUploaded))
                    || (e.Subject == w.CiTokenId && e.Action == AuditActions.TokenIssued)
                    || (e.Subject == w.KeyId && e.Action == AuditActions.ApiKeyRevoked))
                .ExecuteDeleteAsync();
        });

        var report = await VerifyAsync(w);
        var v = w.VersionId.ToString();
        Assert.Equal(new List<(string, string, string)>
        {
            ("apikey.revoked", w.KeyId.ToLowerInvariant(), AuditActions.ApiKeyRevoked),
            ("decision", v, "version.approve"),
            ("token.issued", w.CiTokenId.ToLowerInvariant(), AuditActions.TokenIssued),
            ("upload", v, AuditActions.VersionArtifactUploaded),
        }.Order().ToList(), Gaps(report));
        Assert.False(report.GetProperty("intact").GetBoolean());
        Assert.False(report.GetProperty("ok").GetBoolean());

        var cli = await CliRunner.RunAsync(w.App, w.AdminToken, "audit", "verify");
        Assert.True(cli.ExitCode == Gatehouse.Cli.ExitCodes.GateSaidNo, cli.Out + cli.Err); // a broken chain outranks the gaps
        Assert.Contains("4 state changes without an audit entry:", cli.Out, StringComparison.Ordinal);
        Assert.Contains($"decision {v} ", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_background_verification_records_the_gaps_it_found()
    {
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite);
        var admin = await app.AdminAsync();
        await app.IssueTokenAsync(admin.Id); // issued behind the API's back: no auth.token.issued entry

        var result = await app.WithScopeAsync(sp => sp.GetServices<IWorkHandler>().Single(h => h.Kind == AuditVerifyHandler.KindName)
            .RunAsync(new WorkItem { Kind = AuditVerifyHandler.KindName, Payload = "{}" }, CancellationToken.None));

        Assert.Equal(1, JsonDocument.Parse(result!).RootElement.GetProperty("gapCount").GetInt32());
        var recorded = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AsNoTracking()
            .Where(e => e.Action == AuditActions.AuditVerified).OrderByDescending(e => e.Sequence).FirstAsync());
        Assert.Equal(1, JsonDocument.Parse(recorded.Data).RootElement.GetProperty("gaps").GetInt32());
    }
}
