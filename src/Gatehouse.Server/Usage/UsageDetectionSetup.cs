using Gatehouse.Analysis.Usage;
using Gatehouse.Server.Apps;
using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Usage;

/// <summary>Running the engine's usage detectors on a schedule, storing alerts, notifications, automatic actions, risk scores (docs/usage-alerts.md).</summary>
internal static class UsageDetectionSetup
{
    public static IServiceCollection AddGatehouseUsageDetection(this IServiceCollection services)
    {
        services.AddOptions<UsageDetectionOptions>().BindConfiguration(UsageDetectionOptions.Section);
        // The engine's thresholds, from Usage:Detectors; unset keys keep the engine's documented defaults.
        services.AddOptions<UsageDetectorOptions>().BindConfiguration(UsageDetectionOptions.Section + ":Detectors");
        services.AddScoped<UsageWindows>();
        services.AddScoped<UsageActions>();
        services.AddScoped<UsageAlertRecorder>();
        services.AddScoped<IWorkHandler, UsageDetectHandler>();
        services.AddScoped<UsageDetectHandler>();
        PeriodicWork.Register<UsageDetectionOptions>(services, UsageDetectHandler.KindName, o => o.DetectEvery);
        // After AppsSetup's TryAdd of the no-risk default: the last registration wins.
        services.AddScoped<IAppUsageRisk, AppUsageRisk>();
        return services;
    }
}
