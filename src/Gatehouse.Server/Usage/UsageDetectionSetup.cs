namespace Gatehouse.Server.Usage;

/// <summary>Running the engine's usage detectors on a schedule, storing alerts, notifications, automatic actions, risk scores.</summary>
internal static class UsageDetectionSetup
{
    public static IServiceCollection AddGatehouseUsageDetection(this IServiceCollection services) => services;
}
