using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Data;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Probes;

/// <summary>
/// The endpoint probe in the server (docs/probe.md, "In the server"): a web integration submitted by reference
/// is probed like an artifact is scanned, and a published one is probed daily, through the real pipeline
/// (API, work queue, Hangfire, the engine's probe against a local HTTPS integration).
/// </summary>
public sealed class ProbeLifecycleTests
{
    private static string State(JsonElement v) => v.GetProperty("version").GetProperty("state").GetString()!;

    /// <summary>Equal to the millisecond (SQLite keeps milliseconds).</summary>
    private static void AssertAbout(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.InRange(actual, expected.AddMilliseconds(-1), expected.AddMilliseconds(1));

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_well_configured_integration_is_probed_at_submission_goes_to_review_and_can_be_approved(DbKind db)
    {
        await using var p = await ProbeWorld.StartAsync(db);
        var slug = await p.PrepareAsync(webhook: true);

        var reviewed = await p.SubmitAndWaitAsync(slug);
        Assert.Equal("in-review", State(reviewed));
        Assert.Equal("pass", reviewed.GetProperty("scan").GetProperty("verdict").GetString());
        Assert.Equal("pass", reviewed.GetProperty("scan").GetProperty("effectiveVerdict").GetString());
        Assert.Equal(["/api/data", $"{p.Integration.BaseUrl}api/items"],
            reviewed.GetProperty("version").GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()!));

        // The probe is a scan: type "probe", the base URL as target, no blob; its report is the probe's own.
        var history = await p.W.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/history");
        Assert.Equal(["submitted", "scanning", "in-review"], history.EnumerateArray().Select(t => t.GetProperty("to").GetString()!));
        var scanId = reviewed.GetProperty("version").GetProperty("currentScanId").GetGuid();
        var scan = await p.W.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.AsNoTracking().SingleAsync(s => s.Id == scanId));
        Assert.Equal(("probe", p.Integration.BaseUrl, "", "submission"), (scan.ArtifactType, scan.Target, scan.BlobDigest, scan.Purpose));
        var report = await p.CurrentReportAsync(slug);
        Assert.Equal(p.Integration.BaseUrl, report.GetProperty("target").GetString());
        var checks = report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);
        Assert.Equal("pass", checks["certificate"]);
        Assert.Equal("pass", checks["hsts"]);
        Assert.Equal("pass", checks[$"auth {p.Integration.BaseUrl}api/data"]);
        Assert.Equal("pass", checks[$"webhook {p.Integration.BaseUrl}webhooks/lifecycle"]);
        var sarif = await p.W.Vendor.GetAsync($"/api/scans/{scanId}/sarif");
        Assert.Equal(HttpStatusCode.OK, sarif.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await p.W.ActAsync(p.W.Reviewer, slug, "1.0.0", "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await p.W.ActAsync(p.W.Vendor, slug, "1.0.0", "publish")).StatusCode);
        var published = await p.W.VersionAsync(slug, "1.0.0");
        AssertAbout(p.Clock.GetUtcNow().AddDays(1), published.GetProperty("version").GetProperty("nextProbeAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task An_endpoint_that_accepts_an_alg_none_token_or_no_credentials_blocks_approval_with_requirement_ids()
    {
        await using var p = await ProbeWorld.StartAsync(DbKind.Sqlite, IntegrationMode.AlgNone);
        var slug = await p.PrepareAsync();

        var reviewed = await p.SubmitAndWaitAsync(slug);
        Assert.Equal("in-review", State(reviewed));
        Assert.Equal("reject", reviewed.GetProperty("scan").GetProperty("effectiveVerdict").GetString());
        var approve = await p.W.ActAsync(p.W.Reviewer, slug, "1.0.0", "approve");
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        Assert.Equal(["scan.blocking-findings"], (await LifecycleWorld.ProblemAsync(approve)).Guards);

        var findings = await p.W.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/findings");
        var algNone = findings.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("ruleId").GetString() == "probe.jwt-alg-none-accepted").ToList();
        Assert.Equal(2, algNone.Count); // both declared endpoints
        Assert.All(algNone, f => Assert.Equal("GH-AUTH-2", f.GetProperty("requirementId").GetString()));
        Assert.Contains(algNone, f => f.GetProperty("path").GetString() == $"{p.Integration.BaseUrl}api/data");

        // A second version of the same integration, now open to anyone: the same guard, GH-AUTH-1.
        p.Integration.Mode = IntegrationMode.Open;
        var create = await p.W.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version = "1.0.1", reference = p.Integration.BaseUrl, endpoints = new[] { "/api/data" } });
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await p.W.Vendor.PutAsJsonAsync($"/api/apps/{slug}/versions/1.0.1/answers", LifecycleWorld.Answers("web-integration"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await p.W.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions/1.0.1/attestation", new { name = "Dana Smith, CISO", accept = true })).StatusCode);
        Assert.Equal("in-review", State(await p.SubmitAndWaitAsync(slug, "1.0.1")));
        var open = await p.W.ActAsync(p.W.Reviewer, slug, "1.0.1", "approve");
        Assert.Equal(["scan.blocking-findings"], (await LifecycleWorld.ProblemAsync(open)).Guards);
        var openFindings = await p.W.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.1/findings");
        var unauth = Assert.Single(openFindings.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "probe.auth-not-enforced");
        Assert.Equal("GH-AUTH-1", unauth.GetProperty("requirementId").GetString());
        Assert.Equal("critical", unauth.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task A_target_that_is_not_allow_listed_is_incomplete_retried_with_back_off_and_never_approvable()
    {
        // No allow-list: 127.0.0.1 is not public, so the SSRF guard refuses it and nothing connects.
        await using var p = await ProbeWorld.StartAsync(DbKind.Sqlite, allowLoopback: false);
        var slug = await p.PrepareAsync();
        Assert.Equal(HttpStatusCode.OK, (await p.W.ActAsync(p.W.Vendor, slug, "1.0.0", "submit")).StatusCode);

        var attempt = 0;
        foreach (var minutes in new[] { 5, 30, 120 })
        {
            attempt++;
            var waiting = await p.W.WaitForReviewAsync(slug, "1.0.0", v => v.GetProperty("version").GetProperty("incompleteScans").GetInt32() == attempt
                && v.GetProperty("version").GetProperty("nextScanAttemptAt").ValueKind != JsonValueKind.Null);
            Assert.Equal("scanning", State(waiting));
            Assert.Equal("incomplete", waiting.GetProperty("scan").GetProperty("verdict").GetString());
            Assert.Equal(HttpStatusCode.Conflict, (await p.W.ActAsync(p.W.Reviewer, slug, "1.0.0", "approve")).StatusCode);
            p.Clock.Advance(TimeSpan.FromMinutes(minutes));
            await p.W.TickAsync();
        }
        var reviewed = await p.W.WaitForReviewAsync(slug, "1.0.0", v => State(v) == "in-review");
        Assert.Equal("incomplete", reviewed.GetProperty("scan").GetProperty("verdict").GetString());
        Assert.Equal("incomplete", reviewed.GetProperty("scan").GetProperty("effectiveVerdict").GetString());
        Assert.Equal(0, p.Integration.Requests); // nothing connected
        var scans = await p.W.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.AsNoTracking().ToListAsync());
        Assert.Equal(4, scans.Count);
        Assert.All(scans, s => Assert.Equal(("probe", Verdict.Incomplete), (s.ArtifactType, s.Verdict)));
        var findings = await p.W.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/findings");
        Assert.Contains(findings.GetProperty("findings").EnumerateArray(), f => f.GetProperty("ruleId").GetString() == "probe.ssrf-blocked");

        var approve = await p.W.ActAsync(p.W.Reviewer, slug, "1.0.0", "approve");
        Assert.Equal(["scan.incomplete"], (await LifecycleWorld.ProblemAsync(approve)).Guards);
        Assert.Equal("in-review", await p.W.StateAsync(slug, "1.0.0"));
    }

    [Fact]
    public async Task An_integration_that_is_down_is_incomplete_and_waits_for_a_retry()
    {
        await using var p = await ProbeWorld.StartAsync(DbKind.Sqlite, IntegrationMode.Down);
        var slug = await p.PrepareAsync();
        Assert.Equal(HttpStatusCode.OK, (await p.W.ActAsync(p.W.Vendor, slug, "1.0.0", "submit")).StatusCode);
        var waiting = await p.W.WaitForReviewAsync(slug, "1.0.0", v => v.GetProperty("version").GetProperty("incompleteScans").GetInt32() == 1);
        Assert.Equal("scanning", State(waiting));
        Assert.Equal("incomplete", waiting.GetProperty("scan").GetProperty("verdict").GetString());
        var report = await p.CurrentReportAsync(slug);
        Assert.Equal("incomplete", report.GetProperty("verdict").GetString());
        Assert.Contains(report.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("probe.unreachable", StringComparison.Ordinal));

        // Back up before the retry: the retry passes and the version goes to review clean.
        p.Integration.Mode = IntegrationMode.Good;
        p.Clock.Advance(TimeSpan.FromMinutes(5));
        await p.W.TickAsync();
        var reviewed = await p.W.WaitForReviewAsync(slug, "1.0.0", v => State(v) == "in-review");
        Assert.Equal("pass", reviewed.GetProperty("scan").GetProperty("effectiveVerdict").GetString());
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_published_integration_is_probed_daily_and_quarantined_when_an_endpoint_opens_up(DbKind db)
    {
        await using var p = await ProbeWorld.StartAsync(db);
        var slug = await p.PrepareAsync();
        Assert.Equal("in-review", State(await p.SubmitAndWaitAsync(slug)));
        Assert.Equal(HttpStatusCode.OK, (await p.W.ActAsync(p.W.Reviewer, slug, "1.0.0", "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await p.W.ActAsync(p.W.Vendor, slug, "1.0.0", "publish")).StatusCode);
        Assert.Equal(0, await p.W.TickAsync()); // not due yet

        // Day 1: the integration is down. Incomplete: vendor and staff are told, it stays published, tried again tomorrow.
        p.Integration.Mode = IntegrationMode.Down;
        var before = (await p.W.VersionAsync(slug, "1.0.0")).GetProperty("version").GetProperty("currentScanId").GetGuid();
        p.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        await p.W.TickAsync(); // (or the reconciler's clock got there first)
        var day1 = await p.W.WaitForReviewAsync(slug, "1.0.0", v => v.GetProperty("version").GetProperty("currentScanId").GetGuid() != before
            && v.GetProperty("version").GetProperty("nextProbeAt").ValueKind != JsonValueKind.Null);
        Assert.Equal("published", State(day1));
        Assert.Equal("incomplete", day1.GetProperty("scan").GetProperty("verdict").GetString());
        AssertAbout(p.Clock.GetUtcNow().AddDays(1), day1.GetProperty("version").GetProperty("nextProbeAt").GetDateTimeOffset());
        var notices = await p.W.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Outbox.AsNoTracking()
            .Where(m => m.Event == "version.probe-incomplete").Select(m => m.OrganizationId).ToListAsync());
        Assert.Contains(notices, o => o == p.W.Org.Id); // the vendor
        Assert.Contains(notices, o => o == null);       // staff

        // Day 2: the integration now answers its API without credentials: quarantined at once, by the system.
        p.Integration.Mode = IntegrationMode.Open;
        before = day1.GetProperty("version").GetProperty("currentScanId").GetGuid();
        p.Clock.Advance(TimeSpan.FromDays(1));
        await p.W.TickAsync();
        var quarantined = await p.W.WaitForReviewAsync(slug, "1.0.0", v => State(v) != "published");
        Assert.Equal("quarantined", State(quarantined));
        Assert.NotEqual(before, quarantined.GetProperty("version").GetProperty("currentScanId").GetGuid());
        var last = (await p.W.Vendor.GetFromJsonAsync<JsonElement>($"/api/apps/{slug}/versions/1.0.0/history")).EnumerateArray().Last();
        Assert.Equal(("quarantine", "system"), (last.GetProperty("action").GetString(), last.GetProperty("actor").GetString()));
        Assert.Contains("probe.auth-not-enforced", last.GetProperty("reasonCodes").EnumerateArray().Select(r => r.GetString()));
        // The blocking probe suspended the app's access too (issue 12, item 2), until staff lift it.
        var suspension = await p.W.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<Gatehouse.Server.OAuth.AppAccessSuspension>()
            .AsNoTracking().SingleAsync());
        Assert.Equal(("version.quarantine", "system", null), (suspension.Source, suspension.SuspendedBy, suspension.LiftedAt));
        var scans = await p.W.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.AsNoTracking().OrderBy(s => s.CreatedAt).Select(s => s.Purpose).ToListAsync());
        Assert.Equal(["submission", "probe", "probe"], scans);
    }

    [Fact]
    public async Task A_web_integration_submitted_with_an_artifact_is_probed_too_and_approval_waits_for_a_clean_probe()
    {
        // Issue 12, item 14: with an artifact the probe used to wait for the first daily run after publication.
        await using var p = await ProbeWorld.StartAsync(DbKind.Sqlite, IntegrationMode.Down, engines: true);
        var slug = await p.PrepareAsync();
        await p.W.UploadAsync(slug, "1.0.0", Samples.CleanApp());
        // The upload cleared the attestation (it covered no artifact): attest again.
        Assert.Equal(HttpStatusCode.OK, (await p.W.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions/1.0.0/attestation", new { name = "Dana Smith, CISO", accept = true })).StatusCode);
        Assert.Equal("in-review", State(await p.SubmitAndWaitAsync(slug)));

        async Task<List<Gatehouse.Server.Scanning.Scan>> ScansAsync() =>
            await p.W.App.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Scans.AsNoTracking().OrderBy(s => s.CreatedAt).ToListAsync());
        async Task<Gatehouse.Server.Scanning.Scan> NewestProbeDoneAsync(int count)
        {
            for (var i = 0; i < 600; i++)
            {
                var probes = (await ScansAsync()).Where(s => s.ArtifactType == "probe").ToList();
                if (probes.Count == count && probes[^1].Verdict is not null) return probes[^1];
                await Task.Delay(100);
            }
            throw new TimeoutException("the probe did not finish");
        }

        // Both checks ran for the submission: the artifact's scan (the current one) and the endpoint probe.
        var probe = await NewestProbeDoneAsync(1);
        var scans = await ScansAsync();
        Assert.Equal(2, scans.Count);
        Assert.Contains(scans, s => s.ArtifactType != "probe" && s.BlobDigest.Length > 0 && s.Purpose == "submission");
        Assert.Equal(("submission", p.Integration.BaseUrl, Verdict.Incomplete), (probe.Purpose, probe.Target, probe.Verdict));
        var current = (await p.W.VersionAsync(slug, "1.0.0")).GetProperty("version").GetProperty("currentScanId").GetGuid();
        Assert.NotEqual(probe.Id, current);

        // The integration was down: the artifact is clean, but approval waits for a probe that completed.
        var approve = await p.W.ActAsync(p.W.Reviewer, slug, "1.0.0", "approve");
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
        Assert.Equal(["scan.incomplete"], (await LifecycleWorld.ProblemAsync(approve)).Guards);

        // Back up; the reviewer's rescan scans and probes again, and the clean probe lets the approval through.
        p.Integration.Mode = IntegrationMode.Good;
        p.Clock.Advance(TimeSpan.FromMinutes(1)); // the newest probe is told by its creation time
        Assert.Equal(HttpStatusCode.OK, (await p.W.ActAsync(p.W.Reviewer, slug, "1.0.0", "rescan")).StatusCode);
        await p.W.WaitForReviewAsync(slug, "1.0.0");
        Assert.Equal(Verdict.Pass, (await NewestProbeDoneAsync(2)).Verdict);
        Assert.Equal(HttpStatusCode.OK, (await p.W.ActAsync(p.W.Reviewer, slug, "1.0.0", "approve")).StatusCode);
    }

    [Fact]
    public async Task Declared_endpoints_are_validated_when_the_version_is_created()
    {
        await using var p = await ProbeWorld.StartAsync(DbKind.Sqlite);
        var slug = await p.W.CreateAppAsync("web-integration");
        async Task<HttpStatusCode> Create(string version, object endpoints) =>
            (await p.W.Vendor.PostAsJsonAsync($"/api/apps/{slug}/versions", new { version, reference = "https://app.example.com/", endpoints })).StatusCode;

        Assert.Equal(HttpStatusCode.BadRequest, await Create("1.0.0", new[] { "api/data" }));                       // not a path, not a URL
        Assert.Equal(HttpStatusCode.BadRequest, await Create("1.0.1", new[] { "https://other.example.com/api" }));  // another host
        Assert.Equal(HttpStatusCode.BadRequest, await Create("1.0.2", new[] { "http://app.example.com/api" }));     // not https
        Assert.Equal(HttpStatusCode.BadRequest, await Create("1.0.3", new[] { "//evil.example.com/api" }));
        Assert.Equal(HttpStatusCode.BadRequest, await Create("1.0.4", Enumerable.Range(0, 51).Select(i => $"/api/{i}").ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, await Create("1.0.5", new[] { "/" + new string('a', 2000) }));
        Assert.Equal(HttpStatusCode.Created, await Create("1.1.0", new[] { "/api/data", "https://app.example.com/api/items" }));
    }
}
