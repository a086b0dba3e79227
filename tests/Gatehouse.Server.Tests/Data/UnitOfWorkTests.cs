using Gatehouse.Server.Apps;
using Gatehouse.Server.Data;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Gatehouse.Server.Tests.Data;

/// <summary>
/// A state change, its transition row, its audit entry, its notifications and the work it starts commit together or
/// not at all (issue 14): a failure injected at every step of a submission and of a decision, on both databases,
/// leaves all of it or none of it.
/// </summary>
public sealed class UnitOfWorkTests(ITestOutputHelper output)
{
    private sealed record Footprint(string State, int Transitions, int Scans, int WorkItems, int AuditEntries, int Outbox, string? DecidedBy);

    private static async Task<Footprint> FootprintAsync(GatehouseApp app, Guid versionId, Guid orgId) =>
        await app.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<GatehouseDb>();
            var v = await db.AppVersions.AsNoTracking().FirstAsync(x => x.Id == versionId);
            var scans = await db.Scans.AsNoTracking().Where(s => s.SubjectId == versionId).Select(s => s.WorkItemId).ToListAsync();
            var workIds = scans.Where(w => w != null).Select(w => w!.Value).ToList();
            var subject = versionId.ToString();
            return new Footprint(
                v.State,
                await db.VersionTransitions.CountAsync(t => t.AppVersionId == versionId),
                scans.Count,
                await db.WorkItems.CountAsync(w => workIds.Contains(w.Id)),
                await db.AuditEntries.CountAsync(e => e.Subject == subject && e.Action.StartsWith("version.") && e.Action != "version.created"
                    && e.Action != "version.artifact-uploaded" && e.Action != "version.answered" && e.Action != "version.attested"),
                await db.Outbox.CountAsync(m => m.OrganizationId == orgId && m.Event.StartsWith("version.")),
                v.DecidedBy);
        });

    private static Task<(App App, AppVersion Version)> LoadAsync(GatehouseDb db, string slug, string version) =>
        db.Apps.FirstAsync(a => a.Slug == slug).ContinueWith(async t =>
        {
            var app = t.Result;
            return (app, await db.AppVersions.FirstAsync(v => v.AppId == app.Id && v.Version == version));
        }).Unwrap();

    /// <summary>
    /// Runs <paramref name="action"/> as <paramref name="caller"/> once per step, failing at that step, until it runs
    /// through; after each failure the footprint must be the one before, and at the end the one of a full move.
    /// </summary>
    private async Task<int> FailAtEveryStepAsync(LifecycleWorld world, FaultInjection fault, string slug, string version, string action, Caller caller)
    {
        var versionId = await world.App.WithScopeAsync(async sp => (await LoadAsync(sp.GetRequiredService<GatehouseDb>(), slug, version)).Version.Id);
        var before = await FootprintAsync(world.App, versionId, world.Org.Id);
        for (var step = 1; step < 200; step++)
        {
            var fired = await world.App.WithScopeAsync(async sp =>
            {
                var db = sp.GetRequiredService<GatehouseDb>();
                var (app, v) = await LoadAsync(db, slug, version);
                fault.Arm(db, step);
                try
                {
                    var outcome = await sp.GetRequiredService<VersionWorkflow>().RequestAsync(app, v, action, caller, [], null, CancellationToken.None);
                    Assert.Equal(TransitionStatus.Done, outcome.Status);
                }
                catch (Exception ex) when (fault.Fired && (ex is InjectedFault || ex.InnerException is InjectedFault))
                {
                }
                finally
                {
                    fault.Disarm();
                }
                return fault.Fired;
            });
            var after = await FootprintAsync(world.App, versionId, world.Org.Id);
            if (fired)
            {
                Assert.Equal(before, after); // none of it
                continue;
            }
            output.WriteLine($"{action}: failed at each of {step - 1} steps, then ran through: {after}");
            Assert.NotEqual(before.State, after.State);
            Assert.True(after.Transitions > before.Transitions);
            // Every transition has its entry; every new scan has its work item.
            Assert.Equal(after.Transitions - before.Transitions, after.AuditEntries - before.AuditEntries);
            Assert.Equal(after.Scans, after.WorkItems);
            return step - 1;
        }
        throw new InvalidOperationException("the action never ran through");
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_submission_and_a_decision_commit_everything_or_nothing_whatever_step_fails(DbKind db)
    {
        var fault = new FaultInjection();
        await using var world = await LifecycleWorld.StartAsync(db, services: fault.AddTo);
        var slug = await world.CreateAppAsync();
        await world.PrepareAsync(slug, "1.0.0", Samples.CleanApp());

        // Submit: submitted -> scanning, with the scan row, its work item, two transitions, two entries, notices.
        var submitSteps = await FailAtEveryStepAsync(world, fault, slug, "1.0.0", Lifecycle.Actions.Submit,
            new Caller(world.VendorId, Actor.Vendor));
        Assert.True(submitSteps >= 8, $"only {submitSteps} steps were tried");
        var reviewed = await world.WaitForReviewAsync(slug, "1.0.0");
        Assert.Equal("in-review", reviewed.GetProperty("version").GetProperty("state").GetString());

        // Approve: the decision (state, DecidedBy), its transition, its entry and its notice.
        await FailAtEveryStepAsync(world, fault, slug, "1.0.0", Lifecycle.Actions.Approve, new Caller(world.ReviewerId, Actor.Staff));
        var approved = await FootprintAsync(world.App, await world.App.WithScopeAsync(async sp =>
            (await LoadAsync(sp.GetRequiredService<GatehouseDb>(), slug, "1.0.0")).Version.Id), world.Org.Id);
        Assert.Equal(world.ReviewerId, approved.DecidedBy);
    }
}
