using Gatehouse.Analysis.Verdicts;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Apps;

/// <summary>
/// Versions whose state says they wait for work that does not exist (what a crash between separate commits left
/// behind before issue 14, or a work item lost for good) are re-driven by the reconciler instead of answering 409 to
/// every action forever.
/// </summary>
public sealed class StalledVersionsTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Versions_left_waiting_for_work_that_does_not_exist_are_driven_on_to_review(DbKind db)
    {
        await using var w = await LifecycleWorld.OnAsync(servers, db);
        var slug = await w.CreateAppAsync();
        string[] versions = ["1.0.0", "1.0.1", "1.0.2", "1.0.3"];
        foreach (var v in versions) await w.PrepareAsync(slug, v, Samples.CleanApp(v));

        // What the crash left: the rows as separate commits would have, with nothing touching them for an hour.
        await w.App.WithScopeAsync(async sp =>
        {
            var gdb = sp.GetRequiredService<GatehouseDb>();
            var app = await gdb.Apps.FirstAsync(a => a.Slug == slug);
            var rows = await gdb.AppVersions.Where(v => v.AppId == app.Id).ToDictionaryAsync(v => v.Version);
            var longAgo = sp.GetRequiredService<TimeProvider>().GetUtcNow().AddHours(-1);
            foreach (var v in rows.Values)
            {
                v.SubmittedAt = longAgo;
                v.SubmittedBy = w.VendorId;
                v.UpdatedAt = longAgo;
            }
            rows["1.0.0"].State = VersionStates.Submitted;                   // submitted, never moved on
            rows["1.0.1"].State = VersionStates.Scanning;                    // scanning with no scan
            var queued = NewScan(app, rows["1.0.2"], ScanState.Queued, null, longAgo); // scanning, its scan has no work item
            rows["1.0.2"].State = VersionStates.Scanning;
            rows["1.0.2"].CurrentScanId = queued.Id;
            var done = NewScan(app, rows["1.0.3"], ScanState.Done, Verdict.Pass, longAgo); // finished, the version never heard
            var work = new WorkItem
            {
                Id = Guid.NewGuid(), Kind = ScanArtifactHandler.KindName, Payload = $$"""{"scanId":"{{done.Id}}"}""",
                State = WorkState.Succeeded, Attempts = 1, MaxAttempts = 3, CreatedAt = longAgo, UpdatedAt = longAgo,
            };
            done.WorkItemId = work.Id;
            rows["1.0.3"].State = VersionStates.Scanning;
            rows["1.0.3"].CurrentScanId = done.Id;
            gdb.AddRange(queued, done, work);
            await gdb.SaveChangesAsync();
        });

        // Every action on them answers 409 while they wait: nothing but the reconciler can move them.
        Assert.Equal(System.Net.HttpStatusCode.Conflict, (await w.ActAsync(w.Vendor, slug, "1.0.1", "submit")).StatusCode);

        await w.App.WithScopeAsync(sp => sp.GetRequiredService<StalledVersions>().RunOnceAsync(CancellationToken.None));
        foreach (var v in versions)
        {
            var reviewed = await w.WaitForReviewAsync(slug, v);
            Assert.Equal("in-review", reviewed.GetProperty("version").GetProperty("state").GetString());
        }

        await w.App.WithScopeAsync(async sp =>
        {
            var gdb = sp.GetRequiredService<GatehouseDb>();
            var app = await gdb.Apps.FirstAsync(a => a.Slug == slug);
            var ids = await gdb.AppVersions.Where(v => v.AppId == app.Id).ToDictionaryAsync(v => v.Version, v => v.Id.ToString());
            // The two that had no runnable scan say so in the audit log; every move has its entry.
            var redriven = await gdb.AuditEntries.Where(e => e.Action == "version.redriven").Select(e => e.Subject).ToListAsync();
            Assert.Contains(ids["1.0.1"], redriven);
            Assert.Contains(ids["1.0.2"], redriven);
            Assert.DoesNotContain(ids["1.0.0"], redriven);
            foreach (var id in ids.Values)
            {
                var guid = Guid.Parse(id);
                var moves = await gdb.VersionTransitions.CountAsync(t => t.AppVersionId == guid);
                var entries = await gdb.AuditEntries.CountAsync(e => e.Subject == id && e.Action.StartsWith("version.")
                    && e.Action != "version.created" && e.Action != "version.artifact-uploaded" && e.Action != "version.answered"
                    && e.Action != "version.attested" && e.Action != "version.redriven");
                Assert.Equal(moves, entries);
            }
            // Nothing is left waiting: another pass finds nothing to do.
            Assert.Equal(0, await sp.GetRequiredService<StalledVersions>().RunOnceAsync(CancellationToken.None));
        });
    }

    private static Scan NewScan(App app, AppVersion v, ScanState state, Verdict? verdict, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), OrganizationId = app.OrganizationId, SubmittedBy = v.SubmittedBy!, BlobDigest = v.ArtifactDigest!,
        Size = v.ArtifactSize, FileName = v.ArtifactName ?? "artifact", ArtifactType = "downloadable", State = state, Verdict = verdict,
        Purpose = ScanPurposes.Submission, SubjectId = v.Id, PolicyVersion = v.PolicyVersion, CreatedAt = at,
        CompletedAt = state == ScanState.Done ? at : null, ReportJson = state == ScanState.Done ? "{}" : null,
    };
}
