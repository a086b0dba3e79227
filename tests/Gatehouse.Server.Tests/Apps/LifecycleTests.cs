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
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>
/// The submission lifecycle through the public API: every transition and every guard
/// (agreement, evidence for the tier, questionnaire, scan, reviewer independence).
/// </summary>
public sealed class LifecycleTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_version_goes_from_draft_through_scan_and_review_to_published_and_every_step_is_recorded(DbKind db)
    {
        await using var w = await LifecycleWorld.OnAsync(servers, db);
        var slug = await w.CreateAppAsync();
        await w.PrepareAsync(slug, "1.0.0", Samples.CleanApp());
        Assert.Equal("draft", await w.StateAsync(slug, "1.0.0"));
        Assert.Empty((await w.VersionAsync(slug, "1.0.0")).GetProperty("submissionBlockers").EnumerateArray());

        var submit = await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        var reviewed = await w.WaitForReviewAsync(slug, "1.0.0");
        Assert.Equal("in-review", reviewed.GetProperty("version").GetProperty("state").GetString());
        Assert.Equal("pass", reviewed.GetProperty("scan").GetProperty("effectiveVerdict").GetString());

        // The reviewer finds it in the queue, takes it, approves; the vendor publishes.
        var queue = await w.Reviewer.GetFromJsonAsync<JsonElement>("/api/review/queue");
        Assert.Contains(queue.EnumerateArray(), q => q.GetProperty("app").GetString() == slug);
        Assert.Equal(HttpStatusCode.OK, (await w.Reviewer.PostAsJsonAsync($"/api/apps/{slug}/versions/1.0.0/assign", new { })).StatusCode);
        // A reviewer's rescan really scans again, and the version comes back to review with the new scan.
        var firstScan = (await w.VersionAsync(slug, "1.0.0")).GetProperty("version").GetProperty("currentScanId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Reviewer, slug, "1.0.0", "rescan")).StatusCode);
        await w.WaitForReviewAsync(slug, "1.0.0", v => v.GetProperty("version").GetProperty("currentScanId").GetGuid() != firstScan
            && v.GetProperty("version").GetProperty("state").GetString() == "in-review");
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Reviewer, slug, "1.0.0", "approve", ["GH-FILE-4"], "clean")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "1.0.0", "publish")).StatusCode);
        var published = await w.VersionAsync(slug, "1.0.0");
        Assert.Equal("published", published.GetProperty("version").GetProperty("state").GetString());
        Assert.Equal(w.ReviewerId, published.GetProperty("version").GetProperty("assignedReviewerId").GetString());
        Assert.True(published.GetProperty("version").GetProperty("nextRescanAt").GetDateTimeOffset() > TimeProvider.System.GetUtcNow().AddDays(29));

        var history = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/history");
        Assert.Equal(["submitted", "scanning", "in-review", "scanning", "in-review", "approved", "published"], history.EnumerateArray().Select(t => t.GetProperty("to").GetString()!));
        var approve = history.EnumerateArray().Single(t => t.GetProperty("action").GetString() == "approve");
        Assert.Equal(w.ReviewerId, approve.GetProperty("actor").GetString());
        Assert.Equal(["GH-FILE-4"], approve.GetProperty("reasonCodes").EnumerateArray().Select(r => r.GetString()!));

        // Each transition is in the audit chain too.
        var actions = await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.Select(a => a.Action).ToListAsync());
        Assert.Contains("version.submit", actions);
        Assert.Contains("version.approve", actions);
        Assert.Contains("version.publish", actions);
    }

    [Fact]
    public async Task A_new_agreement_version_blocks_submission_until_the_organisation_accepts_it()
    {
        await using var w = await LifecycleWorld.StartAsync(DbKind.Sqlite);
        var slug = await w.CreateAppAsync();
        await w.PrepareAsync(slug, "1.0.0", Samples.CleanApp());
        const string text = "# Developer agreement v2\nYou keep your app secure and tell us about incidents within 72 hours.\n";
        await using (var admin = new HttpClientOwner(w.App.ClientWith(await LifecycleWorld.LongTokenAsync(w.App, (await w.App.AdminAsync()).Id, Roles.Admin))))
            Assert.Equal(HttpStatusCode.Created, (await admin.Client.PostAsJsonAsync("/api/agreements", new { title = "Developer agreement", text })).StatusCode);

        var blocked = await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        var (code, guards) = await LifecycleWorld.ProblemAsync(blocked);
        Assert.Equal("lifecycle.guard-failed", code);
        Assert.Equal(["agreement.not-accepted"], guards);
        Assert.Equal("draft", await w.StateAsync(slug, "1.0.0"));

        var current = await w.Vendor.GetFromJsonAsync<JsonElement>("/api/agreements/current");
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var accept = await w.Vendor.PostAsJsonAsync($"/api/orgs/{w.Org.Id}/agreement/accept", new { version = current.GetProperty("version").GetInt32(), sha256 = sha });
        Assert.True(accept.IsSuccessStatusCode, await accept.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "1.0.0", "submit")).StatusCode);
    }

    [Fact]
    public async Task Expired_evidence_blocks_the_enterprise_tier_and_valid_evidence_lets_it_through()
    {
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite);
        var now = TimeProvider.System.GetUtcNow();
        var slug = await w.CreateAppAsync(tier: "enterprise");
        await w.PrepareAsync(slug, "2.0.0", Samples.CleanApp());
        await w.AddEvidenceAsync("iso27001", now.AddYears(-3), now.AddDays(-1)); // expired yesterday
        await w.AddEvidenceAsync("pentest-letter", now.AddDays(-30), now.AddDays(300));

        var blocked = await w.ActAsync(w.Vendor, slug, "2.0.0", "submit");
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Equal(["evidence.missing"], (await LifecycleWorld.ProblemAsync(blocked)).Guards);

        // A pen test older than 12 months does not count either, even when still "valid".
        await w.AddEvidenceAsync("soc2-type2", now.AddDays(-100), now.AddDays(265));
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "2.0.0", "submit")).StatusCode);

        // The standard tier never needed it.
        var standard = await w.CreateAppAsync(tier: "standard");
        await w.PrepareAsync(standard, "1.0.0", Samples.CleanApp());
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, standard, "1.0.0", "submit")).StatusCode);
    }

    [Fact]
    public async Task A_pen_test_older_than_twelve_months_does_not_meet_the_enterprise_tier()
    {
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite);
        var now = TimeProvider.System.GetUtcNow();
        var slug = await w.CreateAppAsync(tier: "enterprise");
        await w.PrepareAsync(slug, "1.0.0", Samples.CleanApp());
        await w.AddEvidenceAsync("iso27001", now.AddYears(-1), now.AddYears(2));
        await w.AddEvidenceAsync("pentest-letter", now.AddDays(-400), now.AddDays(30));
        var blocked = await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        var body = await blocked.Content.ReadAsStringAsync();
        Assert.Contains("pentest-letter dated within the last 365 days", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_answer_blocks_submission_and_a_changed_answer_unblocks_it()
    {
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite);
        var slug = await w.CreateAppAsync();
        var question = LifecycleWorld.FirstFailableQuestion("downloadable");
        await w.PrepareAsync(slug, "1.0.0", Samples.CleanApp(), failQuestion: question);
        var v = await w.VersionAsync(slug, "1.0.0");
        Assert.Equal("fail", v.GetProperty("version").GetProperty("questionnaireResult").GetString());
        Assert.Contains(v.GetProperty("submissionBlockers").EnumerateArray(), b => b.GetProperty("code").GetString() == "questionnaire.fail");

        var blocked = await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        Assert.Equal(["questionnaire.fail"], (await LifecycleWorld.ProblemAsync(blocked)).Guards);

        // New answers clear the attestation: it covered the old answers. Re-attest, then submit.
        Assert.Equal(HttpStatusCode.OK, (await w.Vendor.PutAsJsonAsync($"/api/apps/{slug}/versions/1.0.0/answers", LifecycleWorld.Answers("downloadable"))).StatusCode);
        Assert.Equal(["attestation.missing"], (await LifecycleWorld.ProblemAsync(await w.ActAsync(w.Vendor, slug, "1.0.0", "submit"))).Guards);
        await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions/1.0.0/attestation", new { name = "Dana Smith, CISO", accept = true });
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "1.0.0", "submit")).StatusCode);
    }

    [Fact]
    public async Task Every_missing_piece_is_reported_at_once()
    {
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite);
        var slug = await w.CreateAppAsync();
        Assert.Equal(HttpStatusCode.Created, (await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version = "0.1.0" })).StatusCode);
        var r = await w.ActAsync(w.Vendor, slug, "0.1.0", "submit");
        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Equal(["questionnaire.missing", "attestation.missing", "artifact.missing"], (await LifecycleWorld.ProblemAsync(r)).Guards);
    }

    [Fact]
    public async Task An_incomplete_scan_is_retried_with_back_off_and_can_never_be_approved()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        // clamd is required by the default policy but nothing listens there: every scan is incomplete.
        await using var w = await LifecycleWorld.StartAsync(DbKind.Sqlite, clock, LifecycleWorld.Engines("tcp://127.0.0.1:1"));
        var slug = await w.CreateAppAsync();
        await w.PrepareAsync(slug, "1.0.0", Samples.CleanApp());
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "1.0.0", "submit")).StatusCode);

        // Three retries (5, 30, 120 minutes), each incomplete again. The reconciler's own clock may start a
        // retry before the test's tick does; either way exactly one scan starts per retry.
        var attempt = 0;
        foreach (var minutes in new[] { 5, 30, 120 })
        {
            attempt++;
            var waiting = await w.WaitForReviewAsync(slug, "1.0.0", v => v.GetProperty("version").GetProperty("incompleteScans").GetInt32() == attempt
                && v.GetProperty("version").GetProperty("nextScanAttemptAt").ValueKind != JsonValueKind.Null);
            Assert.Equal("scanning", waiting.GetProperty("version").GetProperty("state").GetString());
            Assert.Equal(HttpStatusCode.Conflict, (await w.ActAsync(w.Reviewer, slug, "1.0.0", "approve")).StatusCode);
            Assert.Equal(0, await w.TickAsync()); // not due yet
            clock.Advance(TimeSpan.FromMinutes(minutes));
            await w.TickAsync();
        }
        var reviewed = await w.WaitForReviewAsync(slug, "1.0.0", v => v.GetProperty("version").GetProperty("state").GetString() == "in-review");
        Assert.Equal("incomplete", reviewed.GetProperty("scan").GetProperty("verdict").GetString());
        Assert.Equal(4, await w.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.CountAsync()));

        var approve = await w.ActAsync(w.Reviewer, slug, "1.0.0", "approve");
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        Assert.Equal(["scan.incomplete"], (await LifecycleWorld.ProblemAsync(approve)).Guards);
        Assert.Equal("in-review", await w.StateAsync(slug, "1.0.0"));
    }

    [Fact]
    public async Task Blocking_findings_prevent_approval_until_suppressed_and_the_suppression_holds_across_rescans_until_it_expires()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var w = await LifecycleWorld.StartAsync(DbKind.Sqlite, clock);
        var slug = await w.CreateAppAsync();
        await w.PrepareAsync(slug, "1.0.0", Samples.AppWithLeakedKey());
        await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        var reviewed = await w.WaitForReviewAsync(slug, "1.0.0");
        Assert.Equal("reject", reviewed.GetProperty("scan").GetProperty("effectiveVerdict").GetString());
        var approve = await w.ActAsync(w.Reviewer, slug, "1.0.0", "approve");
        Assert.Equal(["scan.blocking-findings"], (await LifecycleWorld.ProblemAsync(approve)).Guards);

        // The vendor explains; the reviewer suppresses the finding for 45 days.
        var findings = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/findings");
        var key = findings.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "secret.aws-access-key-id");
        var fingerprint = key.GetProperty("fingerprint").GetString();
        var request = await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/suppressions",
            new { fingerprint, justification = "This is the public key id of a sandbox account with no permissions, used by our demo." });
        Assert.Equal(HttpStatusCode.Created, request.StatusCode);
        var suppressionId = (await request.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Vendor.PostAsJsonAsync($"/api/suppressions/{suppressionId}/approve",
            new { expiresAt = clock.GetUtcNow().AddDays(45) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.Reviewer.PostAsJsonAsync($"/api/suppressions/{suppressionId}/approve",
            new { expiresAt = clock.GetUtcNow().AddDays(45), note = "sandbox key, accepted" })).StatusCode);

        var suppressed = await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/findings");
        Assert.Equal("pass", suppressed.GetProperty("effectiveVerdict").GetString());
        Assert.Equal(suppressionId, suppressed.GetProperty("findings").EnumerateArray()
            .Single(f => f.GetProperty("fingerprint").GetString() == fingerprint).GetProperty("suppressed").GetProperty("suppressionId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Reviewer, slug, "1.0.0", "approve", ["GH-SEC-1"], "sandbox key suppressed")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "1.0.0", "publish")).StatusCode);

        // Day 30: the rescan finds the same finding (same fingerprint) and the suppression still holds.
        var before = (await w.VersionAsync(slug, "1.0.0")).GetProperty("version").GetProperty("currentScanId").GetGuid();
        clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        await w.TickAsync(); // (or the reconciler's clock got there first)
        var afterFirst = await w.WaitForReviewAsync(slug, "1.0.0", v => v.GetProperty("version").GetProperty("currentScanId").GetGuid() != before
            && v.GetProperty("version").GetProperty("nextRescanAt").ValueKind != JsonValueKind.Null);
        Assert.Equal("published", afterFirst.GetProperty("version").GetProperty("state").GetString());
        Assert.Equal(1, afterFirst.GetProperty("scan").GetProperty("suppressed").GetInt32());
        Assert.Equal("pass", afterFirst.GetProperty("scan").GetProperty("effectiveVerdict").GetString());

        // Day 60: the suppression lapsed on day 45; the rescan quarantines the version at once.
        clock.Advance(TimeSpan.FromDays(30));
        await w.TickAsync();
        var quarantined = await w.WaitForReviewAsync(slug, "1.0.0", v => v.GetProperty("version").GetProperty("state").GetString() != "published");
        Assert.Equal("quarantined", quarantined.GetProperty("version").GetProperty("state").GetString());
        var last = (await w.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/history")).EnumerateArray().Last();
        Assert.Equal("system", last.GetProperty("actor").GetString());
        Assert.Contains("secret.aws-access-key-id", last.GetProperty("reasonCodes").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_reviewer_who_belongs_to_the_vendor_organisation_can_quarantine_it_but_never_approve()
    {
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite);
        var slug = await w.CreateAppAsync();
        await w.PrepareAsync(slug, "1.0.0", Samples.CleanApp());
        await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        await w.WaitForReviewAsync(slug, "1.0.0");

        // A second reviewer who is also a member of the vendor organisation (an admin invited them).
        var insider = await w.App.CreateUserAsync(Roles.Reviewer, "insider");
        await w.App.JoinOrganizationAsync(w.Org.Id, insider);
        using var client = w.App.ClientWith(await LifecycleWorld.LongTokenAsync(w.App, insider.Id, Roles.Reviewer));
        var r = await w.ActAsync(client, slug, "1.0.0", "approve", ["GH-FILE-4"], "looks fine to me");
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal("review.conflict-of-interest", (await LifecycleWorld.ProblemAsync(r)).Code);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Reviewer.PostAsJsonAsync($"/api/apps/{slug}/versions/1.0.0/assign", new { reviewerId = insider.Id })).StatusCode);
        Assert.Equal("in-review", await w.StateAsync(slug, "1.0.0"));

        // Protective decisions are never blocked by membership: the insider quarantines the published version...
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Reviewer, slug, "1.0.0", "approve", ["GH-FILE-4"], "clean")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "1.0.0", "publish")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(client, slug, "1.0.0", "quarantine", ["GH-FILE-4"], "customer report")).StatusCode);
        Assert.Equal("quarantined", await w.StateAsync(slug, "1.0.0"));
        // ...but lifting the quarantine is permissive, so it is another reviewer's.
        var lift = await w.ActAsync(client, slug, "1.0.0", "reinstate", ["GH-FILE-4"], "fine again");
        Assert.Equal("review.conflict-of-interest", (await LifecycleWorld.ProblemAsync(lift)).Code);
        Assert.Equal("quarantined", await w.StateAsync(slug, "1.0.0"));
    }

    [Fact]
    public async Task Moves_outside_the_lifecycle_and_decisions_without_reasons_are_refused()
    {
        await using var w = await LifecycleWorld.OnAsync(servers, DbKind.Sqlite);
        var slug = await w.CreateAppAsync();
        await w.PrepareAsync(slug, "1.0.0", Samples.CleanApp());
        Assert.Equal("lifecycle.invalid-transition", (await LifecycleWorld.ProblemAsync(await w.ActAsync(w.Vendor, slug, "1.0.0", "publish"))).Code);
        await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");
        await w.WaitForReviewAsync(slug, "1.0.0");

        Assert.Equal(HttpStatusCode.Forbidden, (await w.ActAsync(w.Vendor, slug, "1.0.0", "approve")).StatusCode); // vendors never decide
        Assert.Equal(HttpStatusCode.BadRequest, (await w.ActAsync(w.Reviewer, slug, "1.0.0", "reject", ["not-a-code"], "x")).StatusCode);
        var noReason = await w.ActAsync(w.Reviewer, slug, "1.0.0", "reject");
        Assert.Equal(["decision.reason-required"], (await LifecycleWorld.ProblemAsync(noReason)).Guards);
        Assert.Equal(HttpStatusCode.Conflict, (await w.Vendor.PutAsync($"/api/apps/{slug}/versions/1.0.0/artifact?name=x.zip",
            new ByteArrayContent([1, 2, 3]))).StatusCode); // frozen while in review

        // Changes requested → the vendor fixes and resubmits the same version → checked again in full.
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Reviewer, slug, "1.0.0", "request-changes", ["GH-FILE-1"], "rename the installer")).StatusCode);
        var firstScan = (await w.VersionAsync(slug, "1.0.0")).GetProperty("version").GetProperty("currentScanId").GetGuid();
        await w.UploadAsync(slug, "1.0.0", Samples.CleanApp("1.0.0-fixed"));
        await w.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions/1.0.0/attestation", new { name = "Dana Smith, CISO", accept = true });
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, slug, "1.0.0", "submit")).StatusCode);
        var again = await w.WaitForReviewAsync(slug, "1.0.0");
        Assert.NotEqual(firstScan, again.GetProperty("version").GetProperty("currentScanId").GetGuid());
        Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Reviewer, slug, "1.0.0", "reject", ["review.policy-violation"], "not a fit")).StatusCode);
        Assert.Equal("lifecycle.invalid-transition", (await LifecycleWorld.ProblemAsync(await w.ActAsync(w.Vendor, slug, "1.0.0", "submit"))).Code);
    }

    [Fact]
    public async Task The_queue_puts_higher_tiers_first_then_the_earliest_sla()
    {
        await using var w = await LifecycleWorld.StartAsync(DbKind.Sqlite);
        var now = TimeProvider.System.GetUtcNow();
        await w.AddEvidenceAsync("iso27001", now.AddYears(-1), now.AddYears(2));
        await w.AddEvidenceAsync("pentest-letter", now.AddDays(-10), now.AddYears(1));
        var standard = await w.CreateAppAsync(tier: "standard");
        var enterprise = await w.CreateAppAsync(tier: "enterprise");
        foreach (var s in new[] { standard, enterprise })
        {
            await w.PrepareAsync(s, "1.0.0", Samples.CleanApp());
            Assert.Equal(HttpStatusCode.OK, (await w.ActAsync(w.Vendor, s, "1.0.0", "submit")).StatusCode);
            await w.WaitForReviewAsync(s, "1.0.0");
        }
        var queue = (await w.Reviewer.GetFromJsonAsync<JsonElement>("/api/review/queue")).EnumerateArray().ToList();
        Assert.Equal([enterprise, standard], queue.Select(q => q.GetProperty("app").GetString()!));
        Assert.True(queue[0].GetProperty("slaHoursLeft").GetDouble() is > 47 and <= 48);
        Assert.True(queue[1].GetProperty("slaHoursLeft").GetDouble() is > 119 and <= 120);
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Vendor.GetAsync("/api/review/queue")).StatusCode);
    }

    [Fact]
    public async Task The_listing_policy_is_versioned_and_a_version_keeps_the_policy_it_was_submitted_under()
    {
        await using var w = await LifecycleWorld.StartAsync(DbKind.Sqlite);
        using var admin = w.App.ClientWith(await LifecycleWorld.LongTokenAsync(w.App, (await w.App.AdminAsync()).Id, Roles.Admin));
        var current = await admin.GetFromJsonAsync<JsonElement>("/api/policy");
        Assert.Equal(1, current.GetProperty("version").GetInt32());

        var slug = await w.CreateAppAsync();
        await w.PrepareAsync(slug, "1.0.0", Samples.CleanApp());
        await w.ActAsync(w.Vendor, slug, "1.0.0", "submit");

        var bad = await admin.PutAsync("/api/policy", new StringContent("""{ "tiers": { "standard": { "reviewSlaHours": 0 } }, "surprise": 1 }""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var body = await bad.Content.ReadAsStringAsync();
        Assert.Contains("surprise", body, StringComparison.Ordinal);

        var node = System.Text.Json.Nodes.JsonNode.Parse(current.GetProperty("policy").GetRawText())!;
        Assert.Equal(30, node["rescanCadenceDays"]!.GetValue<int>());
        node["rescanCadenceDays"] = 7;
        var policy = node.ToJsonString();
        var put = await admin.PutAsync("/api/policy", new StringContent(policy, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(2, (await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Vendor.PutAsync("/api/policy", new StringContent(policy, Encoding.UTF8, "application/json"))).StatusCode);

        Assert.Equal(1, (await w.VersionAsync(slug, "1.0.0")).GetProperty("version").GetProperty("policyVersion").GetInt32());
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/policy/versions");
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
    }

    private sealed class HttpClientOwner(HttpClient client) : IAsyncDisposable
    {
        public HttpClient Client { get; } = client;
        public ValueTask DisposeAsync() { Client.Dispose(); return ValueTask.CompletedTask; }
    }
}
