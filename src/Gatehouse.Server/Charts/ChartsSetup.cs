using Gatehouse.Server.Scanning;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Charts;

/// <summary>
/// Registers Helm charts on the server (issue 18): settings (<c>Charts</c>), the chart scan runner and the gated Helm chart
/// repository (docs/helm-repository.md).
/// </summary>
internal static class ChartsSetup
{
    public static IServiceCollection AddGatehouseCharts(this IServiceCollection services)
    {
        services.AddOptions<ChartsOptions>().BindConfiguration(ChartsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChartsOptions>, ChartsOptionsValidator>();
        services.AddScoped<ApprovedImages>();
        services.AddScoped<IScanRunner, ChartScanRunner>();
        services.AddSingleton<ChartIdentities>();
        services.AddScoped<ChartRepository>();
        return services;
    }
}
