using Gatehouse.Server.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Server.Tests.Usage.Metering;

/// <summary>The per-minute aggregator without a host: keys, exact sums under concurrency, the key cap, failed flushes.</summary>
public sealed class UsageAggregatorTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 12, 6, 10, 0, 30, TimeSpan.Zero));

    private static UsageAggregator NewAggregator(MeteringOptions? options = null)
    {
        // No database is registered: a flush fails, which the failed-flush test wants and the others never reach.
        var sp = new ServiceCollection().AddMetrics().BuildServiceProvider();
        return new UsageAggregator(sp.GetRequiredService<IServiceScopeFactory>(), Options.Create(options ?? new MeteringOptions()),
            new UsageMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<UsageAggregator>.Instance);
    }

    private static UsageSample Sample(DateTimeOffset at, Guid app, int status = 200, Guid? tenant = null, string endpoint = "GET /platform/v1/projects",
        double latency = 2.5, long bytes = 100, bool scopeViolation = false) =>
        new(at, app, tenant, "key1", endpoint, "projects.read", status, latency, bytes, scopeViolation);

    [Fact]
    public void Calls_of_one_minute_and_key_become_one_row_with_every_counter()
    {
        var meter = NewAggregator();
        var app = Guid.NewGuid();
        var now = Time.GetUtcNow();
        meter.Record(Sample(now, app, 200, latency: 1));
        meter.Record(Sample(now.AddSeconds(20), app, 401, latency: 4));
        meter.Record(Sample(now.AddSeconds(25), app, 403, latency: 2, scopeViolation: true));
        meter.Record(Sample(now, app, 429));
        meter.Record(Sample(now, app, 503));
        var row = Assert.Single(meter.Take());
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), row.Minute);
        Assert.Equal((5, 1, 3, 1), (row.Calls, row.Status2xx, row.Status4xx, row.Status5xx));
        Assert.Equal((1, 1, 1, 1), (row.Unauthorized401, row.Forbidden403, row.TooMany429, row.ScopeViolations));
        Assert.Equal(500, row.BytesOut);
        Assert.Equal(4, row.LatencyMsMax);
        Assert.Equal(1 + 4 + 2 + 2.5 + 2.5, row.LatencyMsSum, 3);
        Assert.Equal((Guid.Empty, "meter", "projects.read"), (row.TenantId, row.Source, row.Scope));
        Assert.Empty(meter.Take()); // taken: the next flush starts from zero
    }

    [Fact]
    public void Another_minute_tenant_or_endpoint_is_another_row()
    {
        var meter = NewAggregator();
        var app = Guid.NewGuid();
        var now = Time.GetUtcNow();
        meter.Record(Sample(now, app));
        meter.Record(Sample(now.AddMinutes(1), app));
        meter.Record(Sample(now, app, tenant: Guid.NewGuid()));
        meter.Record(Sample(now, app, endpoint: "POST /platform/v1/projects"));
        meter.Record(Sample(now, Guid.NewGuid()));
        Assert.Equal(5, meter.Take().Count);
    }

    [Fact]
    public async Task Concurrent_calls_from_many_threads_sum_exactly_even_while_flushes_take_the_aggregates()
    {
        var meter = NewAggregator();
        var apps = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        const int threads = 8, perThread = 20_000;
        var now = Time.GetUtcNow();
        var taken = new List<Gatehouse.Server.Usage.UsageMinuteRecord>();
        using var stop = new CancellationTokenSource();
        var flusher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                lock (taken) taken.AddRange(meter.Take());
                await Task.Delay(1);
            }
        });
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < perThread; i++)
                meter.Record(Sample(now.AddSeconds(i % 120), apps[i % apps.Length], i % 10 == 0 ? 500 : 200, bytes: 3));
        })));
        await stop.CancelAsync();
        await flusher;
        taken.AddRange(meter.Take());
        Assert.Equal(threads * perThread, taken.Sum(r => r.Calls));
        Assert.Equal(threads * perThread / 10, taken.Sum(r => r.Status5xx));
        Assert.Equal(threads * perThread * 3L, taken.Sum(r => r.BytesOut));
        Assert.All(apps, a => Assert.Equal(threads * perThread / apps.Length, taken.Where(r => r.AppId == a).Sum(r => r.Calls)));
    }

    [Fact]
    public void Beyond_the_key_cap_calls_fold_into_the_apps_overflow_key_and_still_count()
    {
        var meter = NewAggregator(new MeteringOptions { MaxKeys = 100 });
        var app = Guid.NewGuid();
        var now = Time.GetUtcNow();
        for (var i = 0; i < 1_000; i++) meter.Record(Sample(now, app, tenant: Guid.NewGuid()));
        var rows = meter.Take();
        Assert.True(rows.Count <= 101, $"{rows.Count} rows");
        Assert.Equal(1_000, rows.Sum(r => r.Calls));
        var overflow = Assert.Single(rows, r => r.Endpoint == UsageAggregateKey.OverflowEndpoint);
        Assert.Equal(900, overflow.Calls);
        Assert.Equal(app, overflow.AppId);
    }

    [Fact]
    public async Task A_failed_flush_keeps_its_rows_for_the_next_attempt()
    {
        var meter = NewAggregator();
        var now = Time.GetUtcNow();
        meter.Record(Sample(now, Guid.NewGuid()));
        meter.Record(Sample(now, Guid.NewGuid()));
        Assert.Equal(0, await meter.FlushAsync(CancellationToken.None)); // no database: fails
        Assert.Equal(2, meter.PendingRows);
        meter.Record(Sample(now, Guid.NewGuid()));
        Assert.Equal(0, await meter.FlushAsync(CancellationToken.None));
        Assert.Equal(3, meter.PendingRows);
    }

    [Fact]
    public async Task Rows_kept_after_failed_flushes_are_bounded_dropping_the_oldest_minutes()
    {
        var meter = NewAggregator(new MeteringOptions { MaxPendingRows = 1_000 });
        var app = Guid.NewGuid();
        var start = Time.GetUtcNow();
        for (var i = 0; i < 1_500; i++) meter.Record(Sample(start.AddMinutes(i), app));
        await meter.FlushAsync(CancellationToken.None);
        Assert.Equal(1_000, meter.PendingRows);
    }

    [Fact]
    public void Templates_lose_their_route_constraints_and_cursors_mark_pages()
    {
        Assert.Equal("/platform/v1/projects/{projectId}/issues", UsageMeteringMiddleware.Template("/platform/v1/projects/{projectId:guid}/issues"));
        Assert.Equal("/x/{**rest}", UsageMeteringMiddleware.Template("/x/{**rest:nonfile}"));
        Assert.True(UsageMeteringMiddleware.IsPage(new Microsoft.AspNetCore.Http.QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["cursor"] = "abc" })));
        Assert.True(UsageMeteringMiddleware.IsPage(new Microsoft.AspNetCore.Http.QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["page"] = "2" })));
        Assert.False(UsageMeteringMiddleware.IsPage(new Microsoft.AspNetCore.Http.QueryCollection(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["page"] = "1", ["cursor"] = "" })));
    }

    [Fact]
    public void Only_loopback_and_configured_networks_may_scrape()
    {
        System.Net.IPNetwork[] networks = [System.Net.IPNetwork.Parse("10.1.0.0/16")];
        Assert.True(MeteringSetup.MayScrape(System.Net.IPAddress.Loopback, networks));
        Assert.True(MeteringSetup.MayScrape(System.Net.IPAddress.Parse("::ffff:127.0.0.1"), networks));
        Assert.True(MeteringSetup.MayScrape(System.Net.IPAddress.Parse("10.1.2.3"), networks));
        Assert.False(MeteringSetup.MayScrape(System.Net.IPAddress.Parse("10.2.2.3"), networks));
        Assert.False(MeteringSetup.MayScrape(System.Net.IPAddress.Parse("203.0.113.9"), networks));
        Assert.False(MeteringSetup.MayScrape(null, networks));
    }
}
