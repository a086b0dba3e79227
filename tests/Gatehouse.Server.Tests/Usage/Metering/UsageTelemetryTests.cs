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
        var calls = Assert.Single(exported.Where(m => m.Name == "gatehouse.usage.calls").Take(1));
        Assert.Equal(UsageMetrics.MeterName, calls.MeterName);
        var labels = new List<string>();
        foreach (ref readonly var point in calls.GetMetricPoints())
            foreach (var tag in point.Tags) labels.Add($"{tag.Key}={tag.Value}");
        Assert.Contains($"app={w.AppSlug}", labels);
        Assert.Contains("endpoint=GET /platform/v1/projects", labels);
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
