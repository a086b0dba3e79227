namespace Gatehouse.Server.Usage;

/// <summary>Reading usage: series, alerts and risk for staff, vendors and tenant admins (API and console).</summary>
internal static class UsageViewsSetup
{
    public static IServiceCollection AddGatehouseUsageViews(this IServiceCollection services) => services;

    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app) => app;
}
