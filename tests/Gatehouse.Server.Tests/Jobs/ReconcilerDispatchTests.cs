using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Tests.Support;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Jobs;

/// <summary>
/// The reconciler hands a pending item to the queue again only when its job can no longer deliver it: a backlog
/// waiting in the queue gets no duplicates, a lost or unknown job gets exactly one new job. No host: the reconciler
/// on a migrated SQLite copy and a real Hangfire InMemory storage (no Hangfire server, so enqueued jobs stay enqueued).
/// </summary>
public sealed class ReconcilerDispatchTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private string _dir = "";
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("gatehouse-reconcile-").FullName;
        await MigratedTemplates.CopySqliteInto(_dir);
        var cs = $"Data Source={Path.Combine(_dir, "gatehouse.db")};Pooling=False";
        _services = new ServiceCollection()
            .AddLogging()
            .AddDbContext<GatehouseDb, SqliteGatehouseDb>(o => o.UseSqlite(cs))
            .BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>One worker process's view: its own job storage (InMemory: a new process has an empty one) and reconciler.</summary>
    private sealed record Process(InMemoryStorage Storage, BackgroundJobClient Jobs, Reconciler Reconciler) : IDisposable
    {
        public long Enqueued => Storage.GetMonitoringApi().EnqueuedCount("default");
        public void Dispose() => Storage.Dispose();
    }

    private Process StartProcess(int batch = 500)
    {
        var storage = new InMemoryStorage(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Guid }); // as JobsSetup
        var jobs = new BackgroundJobClient(storage);
        var options = Options.Create(new JobsOptions { ReconcileInterval = Interval, ReconcileBatchSize = batch });
        var reconciler = new Reconciler(_services.GetRequiredService<IServiceScopeFactory>(), jobs, storage, _time, options, NullLogger<Reconciler>.Instance);
        return new Process(storage, jobs, reconciler);
    }

    /// <summary>Pending items written ten minutes ago (five stale bounds), one millisecond apart, with no job recorded.</summary>
    private async Task<List<Guid>> AddPendingAsync(int count)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var at = _time.GetUtcNow().AddMinutes(-10);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var created = at.AddMilliseconds(i);
            var item = new WorkItem
            {
                Id = Guid.CreateVersion7(created), Kind = "test.record", Payload = "{}", State = WorkState.Pending,
                CreatedAt = created, UpdatedAt = created,
            };
            db.WorkItems.Add(item);
            ids.Add(item.Id);
        }
        await db.SaveChangesAsync();
        return ids;
    }

    private async Task<Dictionary<Guid, string?>> JobIdsAsync(IEnumerable<Guid> ids)
    {
        await using var scope = _services.CreateAsyncScope();
        var list = ids.ToList();
        return await scope.ServiceProvider.GetRequiredService<GatehouseDb>().WorkItems.AsNoTracking()
            .Where(w => list.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.JobId);
    }

    private Task<int> PassAsync(Process p) => p.Reconciler.PassAsync(startup: false, CancellationToken.None);

    [Fact]
    public async Task A_backlog_whose_jobs_still_wait_in_the_queue_gets_no_second_job_however_long_it_waits()
    {
        using var worker = StartProcess();
        var ids = await AddPendingAsync(40);
        Assert.Equal(40, await worker.Reconciler.PassAsync(startup: true, CancellationToken.None)); // a new queue: all handed over
        var jobIds = await JobIdsAsync(ids);
        Assert.All(jobIds.Values, Assert.NotNull);
        Assert.Equal(40, jobIds.Values.Distinct().Count());
        for (var pass = 0; pass < 5; pass++)
        {
            _time.Advance(Interval * 3); // every item is long past the stale bound and still waits
            Assert.Equal(0, await PassAsync(worker));
        }
        Assert.Equal(40, worker.Enqueued);
        Assert.Equal(jobIds, await JobIdsAsync(ids));
    }

    [Fact]
    public async Task Items_whose_jobs_were_deleted_or_finished_are_handed_over_once_each()
    {
        using var worker = StartProcess();
        var ids = await AddPendingAsync(10);
        await worker.Reconciler.PassAsync(startup: true, CancellationToken.None);
        var before = await JobIdsAsync(ids);
        // Five jobs deleted (an operator in the dashboard), two "succeeded" while their rows stayed pending.
        foreach (var id in ids.Take(5)) Assert.True(worker.Jobs.Delete(before[id]!));
        foreach (var id in ids.Skip(5).Take(2)) Assert.True(worker.Jobs.ChangeState(before[id]!, new SucceededState(null, 0, 0)));
        _time.Advance(Interval * 3);
        Assert.Equal(7, await PassAsync(worker));
        var after = await JobIdsAsync(ids);
        Assert.All(ids.Take(7), id => Assert.NotEqual(before[id], after[id]));
        Assert.All(ids.Skip(7), id => Assert.Equal(before[id], after[id]));
        _time.Advance(Interval * 3);
        Assert.Equal(0, await PassAsync(worker));
        using var connection = worker.Storage.GetConnection(); // 3 that kept their jobs + 7 new ones, each waiting
        Assert.All(after.Values, jobId => Assert.Equal(EnqueuedState.StateName, connection.GetStateData(jobId).Name));
    }

    [Fact]
    public async Task A_restart_with_in_memory_storage_hands_every_pending_item_over_once_at_start_up()
    {
        var ids = await AddPendingAsync(12);
        using (var first = StartProcess())
        {
            await first.Reconciler.PassAsync(startup: true, CancellationToken.None);
        }
        using var second = StartProcess(batch: 5); // the queue died with the process; the start-up pass is not bounded by the batch
        Assert.Equal(12, await second.Reconciler.PassAsync(startup: true, CancellationToken.None));
        Assert.Equal(12, second.Enqueued);
        _time.Advance(Interval * 3);
        Assert.Equal(0, await PassAsync(second));
        Assert.Equal(0, await PassAsync(second));
        Assert.Equal(0, await PassAsync(second));
        Assert.Equal(12, second.Enqueued);
    }

    [Fact]
    public async Task An_item_without_a_recorded_job_is_handed_over_and_its_job_recorded()
    {
        using var worker = StartProcess();
        var ids = await AddPendingAsync(1);
        Assert.Equal(1, await PassAsync(worker));
        var jobId = (await JobIdsAsync(ids))[ids[0]];
        Assert.NotNull(jobId);
        using var connection = worker.Storage.GetConnection();
        Assert.Equal(EnqueuedState.StateName, connection.GetStateData(jobId).Name);
        Assert.Equal(0, await PassAsync(worker));
    }

    [Fact]
    public async Task A_pass_looks_at_one_batch_and_the_next_continues_after_it()
    {
        using var worker = StartProcess(batch: 5);
        await AddPendingAsync(12); // no jobs recorded: each is handed over once, five per pass
        Assert.Equal(5, await PassAsync(worker));
        Assert.Equal(5, await PassAsync(worker));
        Assert.Equal(2, await PassAsync(worker));
        Assert.Equal(0, await PassAsync(worker)); // starts over: every item has its job now
        Assert.Equal(0, await PassAsync(worker));
        Assert.Equal(12, worker.Enqueued);
    }

    [Fact]
    public async Task A_running_item_whose_lease_lapsed_gets_a_new_job_and_it_is_recorded()
    {
        using var worker = StartProcess();
        var ids = await AddPendingAsync(1);
        await using (var scope = _services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<GatehouseDb>().WorkItems.Where(w => w.Id == ids[0]).ExecuteUpdateAsync(s => s
                .SetProperty(w => w.State, WorkState.Running).SetProperty(w => w.JobId, "gone")
                .SetProperty(w => w.LeaseOwner, "another-machine:1:1").SetProperty(w => w.LeaseUntil, _time.GetUtcNow().AddSeconds(-1)));
        }
        Assert.Equal(1, await PassAsync(worker));
        Assert.NotEqual("gone", (await JobIdsAsync(ids))[ids[0]]);
        Assert.Equal(1, worker.Enqueued);
    }

    [Fact]
    public async Task Work_added_through_the_queue_records_its_job()
    {
        using var worker = StartProcess();
        await using var scope = _services.CreateAsyncScope();
        var queue = new WorkQueue(scope.ServiceProvider.GetRequiredService<GatehouseDb>(), worker.Jobs,
            _services.GetRequiredService<IServiceScopeFactory>(), _time, NullLogger<WorkQueue>.Instance);
        var item = await queue.EnqueueAsync("test.record", "{}", CancellationToken.None);
        var jobId = (await JobIdsAsync([item.Id]))[item.Id];
        Assert.NotNull(jobId);
        using var connection = worker.Storage.GetConnection();
        Assert.Equal(EnqueuedState.StateName, connection.GetStateData(jobId).Name);
        _time.Advance(Interval * 3);
        Assert.Equal(0, await PassAsync(worker));
    }

    public static TheoryData<string?, int, bool> States => new()
    {
        { null, 0, false },                              // the storage does not know the job
        { EnqueuedState.StateName, 0, true },
        { ScheduledState.StateName, 0, true },           // a retry's back-off
        { AwaitingState.StateName, 0, true },
        { ProcessingState.StateName, -30, true },        // started 30 s ago: its worker is about to claim the row
        { ProcessingState.StateName, -300, false },      // started before the stale bound and the row still pending: the worker died
        { SucceededState.StateName, 0, false },
        { FailedState.StateName, 0, false },
        { DeletedState.StateName, 0, false },
    };

    [Theory, MemberData(nameof(States))]
    public void A_job_still_delivers_its_item_only_while_it_waits_or_has_just_started(string? state, int startedSecondsAgo, bool delivers)
    {
        var now = _time.GetUtcNow();
        var data = state is null ? null : new StateData
        {
            Name = state,
            Data = new Dictionary<string, string>
            {
                ["StartedAt"] = Hangfire.Common.JobHelper.SerializeDateTime(now.AddSeconds(startedSecondsAgo).UtcDateTime),
            },
        };
        Assert.Equal(delivers, QueuedJobState.StillDelivers(data, now - 2 * Interval));
    }

    [Fact]
    public void An_id_the_storage_cannot_read_counts_as_lost()
    {
        using var storage = new InMemoryStorage();
        using var connection = storage.GetConnection();
        Assert.False(QueuedJobState.StillDelivers(connection, "not-a-job-of-this-storage", _time.GetUtcNow()));
        Assert.False(QueuedJobState.StillDelivers(connection, null, _time.GetUtcNow()));
    }
}
