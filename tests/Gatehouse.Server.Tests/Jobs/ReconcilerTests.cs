using System.Collections.Concurrent;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Tests.Support;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Jobs;

/// <summary>
/// The database is the source of truth for background work: a restart (even with InMemory job
/// storage), a killed worker or a duplicate delivery loses nothing and runs nothing twice.
/// </summary>
public sealed class ReconcilerTests
{
    /// <summary>Counts runs per work item (ids are unique per test, so tests never share entries).</summary>
    private static readonly ConcurrentDictionary<Guid, int> Runs = new();

    private sealed class RecordingHandler : IWorkHandler
    {
        public string Kind => "test.record";
        public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
        {
            Runs.AddOrUpdate(item.Id, 1, (_, n) => n + 1);
            await Task.Delay(50, ct);
            return $$"""{"payload":{{item.Payload}}}""";
        }
    }

    private sealed class FailingHandler : IWorkHandler
    {
        public string Kind => "test.fail";
        public Task<string?> RunAsync(WorkItem item, CancellationToken ct) => throw new InvalidOperationException("engine exploded");
    }

    /// <summary>Takes three seconds: longer than the short leases the lease tests set.</summary>
    private sealed class SlowHandler : IWorkHandler
    {
        public string Kind => "test.slow";
        public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
        {
            Runs.AddOrUpdate(item.Id, 1, (_, n) => n + 1);
            await Task.Delay(3000, ct);
            return "{}";
        }
    }

    private static void TestHandlers(IServiceCollection s)
    {
        s.AddScoped<IWorkHandler, RecordingHandler>();
        s.AddScoped<IWorkHandler, FailingHandler>();
        s.AddScoped<IWorkHandler, SlowHandler>();
    }

    /// <summary>A lease owner on this machine whose process is certainly gone (a pid nobody has).</summary>
    private static string DeadOwnerOnThisMachine()
    {
        var pid = 4_194_000;
        while (Directory.Exists($"/proc/{pid}")) pid--;
        return $"{Environment.MachineName}:{pid}:1764000000000";
    }

    private static Task AddRunningAsync(GatehouseApp app, Guid id, string kind, string owner, int attempts, TimeSpan leaseLeft) =>
        app.WithScopeAsync(async sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var d = sp.GetRequiredService<GatehouseDb>();
            d.WorkItems.Add(new WorkItem
            {
                Id = id, Kind = kind, Payload = "7", State = WorkState.Running, Attempts = attempts, MaxAttempts = 3,
                LeaseOwner = owner, LeaseUntil = time + leaseLeft, CreatedAt = time.AddMinutes(-1), UpdatedAt = time.AddMinutes(-1),
            });
            await d.SaveChangesAsync();
        });

    private static async Task<WorkItem> WaitForEndAsync(GatehouseApp app, Guid id)
    {
        for (var i = 0; i < 300; i++)
        {
            var item = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().WorkItems.AsNoTracking().FirstAsync(w => w.Id == id));
            if (item.State is WorkState.Succeeded or WorkState.Failed) return item;
            await Task.Delay(100);
        }
        throw new TimeoutException($"work item {id} did not finish within 30 s");
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Work_enqueued_before_a_restart_runs_after_it_even_with_in_memory_job_storage(DbKind db)
    {
        Guid id;
        await using (var web = await GatehouseApp.StartAsync(db, new Dictionary<string, string?> { ["Gatehouse:Roles"] = "web" }, TestHandlers))
        {
            var item = await web.WithScopeAsync(sp => sp.GetRequiredService<WorkQueue>().EnqueueAsync("test.record", "42", CancellationToken.None));
            id = item.Id;
            // No worker in this process: the job waits in this process's queue, then the process goes away.
            await Task.Delay(300);
            Assert.False(Runs.ContainsKey(id));
            await using var worker = web.StartSibling(new Dictionary<string, string?> { ["Gatehouse:Roles"] = "web,worker" });
            await web.StopAsync(); // stop the first process while the second takes over
            var done = await WaitForEndAsync(worker, id);
            Assert.Equal(WorkState.Succeeded, done.State);
            Assert.Equal("""{"payload":42}""", done.Result);
            Assert.Equal(1, Runs[id]);
        }
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Work_claimed_by_a_worker_that_died_is_taken_over_once_its_lease_lapses(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, new Dictionary<string, string?> { ["Gatehouse:Roles"] = "web" }, TestHandlers);
        var id = Guid.NewGuid();
        await app.WithScopeAsync(async sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            var d = sp.GetRequiredService<GatehouseDb>();
            d.WorkItems.Add(new WorkItem
            {
                Id = id, Kind = "test.record", Payload = "7", State = WorkState.Running, Attempts = 1,
                LeaseOwner = "dead-machine:1", LeaseUntil = time.AddMinutes(-1), CreatedAt = time.AddMinutes(-40), UpdatedAt = time.AddMinutes(-31),
            });
            await d.SaveChangesAsync();
        });
        await using var worker = app.StartSibling(new Dictionary<string, string?> { ["Gatehouse:Roles"] = "worker" });
        var done = await WaitForEndAsync(worker, id);
        Assert.Equal(WorkState.Succeeded, done.State);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(1, Runs[id]);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Work_held_by_a_dead_worker_of_this_machine_is_taken_over_at_start_up_not_when_its_lease_lapses(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, new Dictionary<string, string?> { ["Gatehouse:Roles"] = "web" }, TestHandlers);
        var id = Guid.NewGuid();
        // The killed process's lease would last another hour; its owner is known dead, so nobody waits for it.
        await AddRunningAsync(app, id, "test.record", DeadOwnerOnThisMachine(), attempts: 1, TimeSpan.FromHours(1));
        await using var worker = app.StartSibling(new Dictionary<string, string?> { ["Gatehouse:Roles"] = "worker" });
        var done = await WaitForEndAsync(worker, id);
        Assert.Equal(WorkState.Succeeded, done.State);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(1, Runs[id]);
    }

    [Fact]
    public async Task A_running_item_keeps_its_claim_past_its_lease_while_its_worker_lives()
    {
        // A two-second lease renewed every half second, and a reconciler that looks for lapsed leases every second:
        // without the heartbeat the three-second job would be taken over and run a second time.
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:Lease"] = "00:00:02", ["Jobs:Heartbeat"] = "00:00:00.5", ["Jobs:ReconcileInterval"] = "00:00:01",
        };
        await using var app = await GatehouseApp.StartAsync(DbKind.Sqlite, settings, TestHandlers);
        var item = await app.WithScopeAsync(sp => sp.GetRequiredService<WorkQueue>().EnqueueAsync("test.slow", "1", CancellationToken.None));
        var done = await WaitForEndAsync(app, item.Id);
        Assert.Equal(WorkState.Succeeded, done.State);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(1, Runs[item.Id]);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Work_whose_every_attempt_died_with_its_worker_is_abandoned_not_run_again(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, new Dictionary<string, string?> { ["Gatehouse:Roles"] = "web" }, TestHandlers);
        var id = Guid.NewGuid();
        // Third attempt of three, and its worker died too (input that kills the process every time).
        await AddRunningAsync(app, id, "test.record", DeadOwnerOnThisMachine(), attempts: 3, TimeSpan.FromHours(1));
        await using var worker = app.StartSibling(new Dictionary<string, string?> { ["Gatehouse:Roles"] = "worker" });
        var done = await WaitForEndAsync(worker, id);
        Assert.Equal(WorkState.Failed, done.State);
        Assert.Contains("abandoned", done.LastError, StringComparison.Ordinal);
        Assert.False(Runs.ContainsKey(id));
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_job_delivered_twice_runs_once(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, services: TestHandlers);
        var item = await app.WithScopeAsync(sp => sp.GetRequiredService<WorkQueue>().EnqueueAsync("test.record", "1", CancellationToken.None));
        var jobs = app.Services.GetRequiredService<IBackgroundJobClient>();
        jobs.Enqueue<WorkRunner>(r => r.RunAsync(item.Id, CancellationToken.None));
        jobs.Enqueue<WorkRunner>(r => r.RunAsync(item.Id, CancellationToken.None));
        var done = await WaitForEndAsync(app, item.Id);
        await Task.Delay(500); // let the extra deliveries arrive
        Assert.Equal(WorkState.Succeeded, done.State);
        Assert.Equal(1, Runs[item.Id]);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task A_failing_handler_ends_failed_with_its_error_never_succeeded(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, services: TestHandlers);
        var item = await app.WithScopeAsync(sp => sp.GetRequiredService<WorkQueue>().EnqueueAsync("test.fail", "{}", CancellationToken.None, maxAttempts: 1));
        var done = await WaitForEndAsync(app, item.Id);
        Assert.Equal(WorkState.Failed, done.State);
        Assert.Equal("engine exploded", done.LastError);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Work_of_an_unknown_kind_fails_instead_of_vanishing(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db);
        var item = await app.WithScopeAsync(sp => sp.GetRequiredService<WorkQueue>().EnqueueAsync("scan.nobody-handles-this", "{}", CancellationToken.None));
        var done = await WaitForEndAsync(app, item.Id);
        Assert.Equal(WorkState.Failed, done.State);
        Assert.Contains("no handler", done.LastError, StringComparison.Ordinal);
    }

    [Theory, ClassData(typeof(BothDatabases))]
    public async Task The_scheduled_audit_check_runs_in_the_background_and_records_its_outcome(DbKind db)
    {
        await using var app = await GatehouseApp.StartAsync(db, new Dictionary<string, string?> { ["Jobs:AuditVerifyInterval"] = "1.00:00:00" });
        await app.Services.GetRequiredService<Reconciler>().FirstPass;
        var id = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().WorkItems
            .Where(w => w.Kind == "audit.verify").Select(w => w.Id).SingleAsync());
        var done = await WaitForEndAsync(app, id);
        Assert.Equal(WorkState.Succeeded, done.State);
        Assert.Contains("\"intact\":true", done.Result, StringComparison.Ordinal);
        var recorded = await app.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().AuditEntries.AnyAsync(e => e.Action == "audit.verified"));
        Assert.True(recorded);
    }
}
