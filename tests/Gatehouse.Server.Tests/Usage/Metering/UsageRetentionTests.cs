using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Tests.Support;
using Gatehouse.Server.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Usage.Metering;

/// <summary>The <c>usage.retention</c> job: old usage rows and receipts go, recent ones stay; it is registered as periodic work.</summary>
public sealed class UsageRetentionTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Theory, ClassData(typeof(BothDatabases))]
    public async Task Rows_past_the_retention_and_receipts_past_the_ingestion_window_are_deleted(DbKind db)
    {
        var app = await servers.For(db);
        var appId = Guid.NewGuid();
        var sender = "retention-" + Guid.NewGuid().ToString("N");
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        UsageMinuteRecord Row(DateTimeOffset minute) => new()
        {
            AppId = appId, CredentialId = "k", Endpoint = "GET /x", Scope = "", Source = "meter", Calls = 1, Minute = UsageAggregateKey.MinuteOf(minute),
        };
        await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            d.Set<UsageMinuteRecord>().AddRange(Row(now.AddDays(-36)), Row(now.AddDays(-34)), Row(now));
            d.Set<UsageEventReceipt>().AddRange(
                new UsageEventReceipt { Source = sender, EventId = "old", ReceivedAt = now.AddDays(-8) },
                new UsageEventReceipt { Source = sender, EventId = "new", ReceivedAt = now.AddDays(-6) });
            await d.SaveChangesAsync();
        });

        await app.WithScopeAsync(async sp =>
        {
            var handler = sp.GetServices<IWorkHandler>().OfType<UsageRetentionHandler>().Single();
            await handler.RunOnceAsync(CancellationToken.None);
            Assert.Contains(sp.GetServices<IPeriodicWork>(), p => p.Kind == UsageRetentionHandler.KindName && p.Every > TimeSpan.Zero);
        });

        await app.WithScopeAsync(async sp =>
        {
            var d = sp.GetRequiredService<GatehouseDb>();
            Assert.Equal(2, await d.Set<UsageMinuteRecord>().CountAsync(r => r.AppId == appId));
            Assert.Equal(["new"], await d.Set<UsageEventReceipt>().Where(r => r.Source == sender).Select(r => r.EventId).ToListAsync());
        });
    }
}
