namespace Gatehouse.Server.Usage;

/// <summary>Reading usage: series, alerts and risk for staff, vendors and tenant admins (API and console).</summary>
internal static class UsageViewsSetup
{
    public static IServiceCollection AddGatehouseUsageViews(this IServiceCollection services)
    {
        services.AddScoped<UsageQueries>();
        services.AddScoped<UsageAlertsService>();
        services.AddScoped<UsageTenantAccess>();
        return services;
    }

    // MapUsageApi is UsageApi.MapUsageApi (Program.cs calls it).
}
