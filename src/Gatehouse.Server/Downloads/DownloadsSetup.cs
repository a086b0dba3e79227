using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Downloads;

/// <summary>Signed download URLs: settings in section <c>Downloads</c>, the signing keys, counting and the rate limit (docs/downloads.md).</summary>
internal static class DownloadsSetup
{
    public static IServiceCollection AddGatehouseDownloads(this IServiceCollection services)
    {
        services.AddOptions<DownloadOptions>().BindConfiguration(DownloadOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DownloadOptions>, DownloadOptionsValidator>();
        services.AddSingleton<DownloadKeyRing>();
        services.AddScoped<DownloadIssuer>();
        services.AddScoped<TenantCredentials>();
        services.AddScoped<TenantEntitlement>();
        services.AddScoped<VersionReaders>();
        services.AddScoped<SbomDownloads>();
        services.AddSingleton<DownloadMetrics>();
        services.AddSingleton<DownloadCountWindow>();
        services.AddRateLimiter(o => o.AddPolicy<string, DownloadRateLimitPolicy>(DownloadRateLimitPolicy.Name));
        return services;
    }
}
