using System.Net;
using Gatehouse.Server.Jobs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Gatehouse.Server.Usage;

/// <summary>Metering of platform calls: the middleware, the per-minute aggregator and its flush, batch ingestion, OpenTelemetry (docs/metering.md).</summary>
internal static class MeteringSetup
{
    /// <summary>The meters exported besides <c>Gatehouse.*</c>: ASP.NET Core's own (requests by route template, Kestrel, rate limiting, auth).</summary>
    private static readonly string[] AspNetCoreMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting", "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
    ];

    public static IServiceCollection AddGatehouseMetering(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<PlatformCallers>();
        services.AddOptions<MeteringOptions>().BindConfiguration(MeteringOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UsageMetrics>();
        services.AddSingleton<UsageAggregator>();
        services.AddSingleton<IUsageMeter>(sp => sp.GetRequiredService<UsageAggregator>());
        services.AddHostedService<UsageFlushService>();
        services.AddScoped<UsageIngestion>();
        services.AddScoped<IWorkHandler, UsageRetentionHandler>();
        PeriodicWork.Register<MeteringOptions>(services, UsageRetentionHandler.KindName, o => o.RetentionInterval);

        // OpenTelemetry metrics: always collected in-process (cheap without a reader); exported over OTLP when an endpoint is
        // configured (OpenTelemetry:Otlp:Endpoint, or the standard OTEL_EXPORTER_OTLP_ENDPOINT read by the exporter itself),
        // and scraped by Prometheus when Usage:Prometheus:Enabled.
        var otlp = configuration["OpenTelemetry:Otlp:Endpoint"];
        var otlpFromEnvironment = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var prometheus = configuration.GetSection(MeteringOptions.Section + ":Prometheus").Get<PrometheusOptions>() ?? new PrometheusOptions();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(configuration["OpenTelemetry:ServiceName"] ?? "gatehouse"))
            .WithMetrics(m =>
            {
                m.AddMeter("Gatehouse.*").AddMeter(AspNetCoreMeters);
                if (!string.IsNullOrWhiteSpace(otlp)) m.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                else if (!string.IsNullOrWhiteSpace(otlpFromEnvironment)) m.AddOtlpExporter();
                if (prometheus.Enabled) m.AddPrometheusExporter();
            });
        return services;
    }

    /// <summary>
    /// Meters calls to the platform API and the gateway's routes (outermost, so 401, 403 and 429 are counted), and serves the
    /// Prometheus scrape endpoint when it is on: as middleware before authentication, answered only to loopback and
    /// <c>Usage:Prometheus:AllowedNetworks</c> (anyone else falls through to the rest of the pipeline), so it is no anonymous endpoint.
    /// </summary>
    public static IApplicationBuilder UseUsageMetering(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var prometheus = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<MeteringOptions>>().Value.Prometheus;
        if (prometheus.Enabled)
        {
            var networks = prometheus.AllowedNetworks.Select(IPNetwork.Parse).ToArray();
            var path = new PathString(prometheus.Path);
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Request.Path == path && MayScrape(context.Connection.RemoteIpAddress, networks));
        }
        return app.UseMiddleware<UsageMeteringMiddleware>();
    }

    /// <summary>Loopback, or an address inside one of <paramref name="networks"/>; an unknown address (a Unix socket) may not.</summary>
    internal static bool MayScrape(IPAddress? remote, IReadOnlyList<IPNetwork> networks)
    {
        if (remote is null) return false;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        if (IPAddress.IsLoopback(remote)) return true;
        foreach (var n in networks)
            if (n.Contains(remote)) return true;
        return false;
    }

    /// <summary>The batch ingestion endpoint.</summary>
    public static IEndpointRouteBuilder MapMeteringApi(this IEndpointRouteBuilder app) => app.MapUsageIngestionApi();
}
