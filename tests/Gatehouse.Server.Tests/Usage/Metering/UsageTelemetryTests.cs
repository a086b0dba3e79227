using System.Net;
using Gatehouse.Server.Tests.ApiKeys;
using Gatehouse.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Gatehouse.Server.Usage;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Gatehouse.Server.Tests.Usage.Metering;

/// <summary>The <c>Gatehouse.Usage</c> meter reaches OpenTelemetry exporters; the Prometheus endpoint is there only when switched on.</summary>
public sealed class UsageTelemetryTests(SharedServers servers) : IClassFixture<SharedServers>
{
    [Fact]
    public async Task Usage_metrics_reach_the_exporter_and_prometheus_from_loopback_without_tenant_labels()
    {
        var exported = new List<Metric>();
        await using var app = await GatehouseApp.StartKestrelAsync(DbKind.Sqlite,
            new Dictionary<string, string?> { ["Usage:Prometheus:Enabled"] = "true" },
            s => s.ConfigureOpenTelemetryMeterProvider(b => b.AddInMemoryExporter(exported)));
        var w = await ApiKeyWorld.CreateAsync(app);
        var (_, key) = await w.CreateKeyAsync(w.TenantA);
        using (var client = app.ClientWith(key))
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/platform/v1/projects")).StatusCode);

        app.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var calls = exported.Where(m => m.Name == "gatehouse.usage.calls").ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, m => Assert.Equal(UsageMetrics.MeterName, m.MeterName));
        // Meters are matched by name across the test process: servers of other tests running beside this one report to
        // the same exporter, so this app's point is looked for among theirs.
        var points = new List<List<string>>();
        foreach (var metric in calls)
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var tags = new List<string>();
                foreach (var tag in point.Tags) tags.Add($"{tag.Key}={tag.Value}");
                points.Add(tags);
            }
        var labels = points.SelectMany(p => p).ToList();
        Assert.Contains(points, p => p.Contains($"app={w.AppSlug}") && p.Contains("endpoint=GET /platform/v1/projects"));
        Assert.DoesNotContain(labels, l => l.Contains(w.TenantA.ToString(), StringComparison.OrdinalIgnoreCase));
        Assert.Contains(exported, m => m.Name == "http.server.request.duration"); // ASP.NET Core's own meter

        using var scraper = app.ClientWith(null);
        var text = await scraper.GetStringAsync("/metrics");
        Assert.Contains("gatehouse_usage_calls", text, StringComparison.Ordinal);
        Assert.DoesNotContain(w.TenantA.ToString(), text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_the_setting_there_is_no_metrics_endpoint()
    {
        var app = await servers.For(DbKind.Sqlite);
        using var client = app.ClientWith(null);
        var r = await client.GetAsync("/metrics");
        Assert.NotEqual(HttpStatusCode.OK, r.StatusCode); // the rest of the app answers: a sign-in redirect
        Assert.DoesNotContain("gatehouse_usage", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
