using Microsoft.Extensions.DependencyInjection.Extensions;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Scanning;
using Gatehouse.Server.Scanning.Probes;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Registers apps and versions: access, the workflow, the verdict after suppressions, what a finished scan means for
/// a version (for the submission, rescan and probe purposes), the probe targets of versions, and the lifecycle's
/// clock (run by the reconciler every pass).
/// </summary>
internal static class AppsSetup
{
    public static IServiceCollection AddGatehouseApps(this IServiceCollection services)
    {
        services.TryAddScoped<IAppUsageRisk, NoAppUsageRisk>(); // the usage feature registers the real one (UsageDetectionSetup)
        services.AddScoped<AppAccess>();
        services.AddScoped<VersionFindings>();
        services.AddScoped<VersionWorkflow>();
        services.AddScoped<AppRegistry>();
        services.AddScoped<VersionDrafts>();
        services.AddScoped<VendorSboms>();
        services.AddScoped<Advisories.IAdvisoryImportObserver, VersionSbomRematch>();
        services.AddScoped<VersionActions>();
        services.AddScoped<SuppressionWorkflow>();
        services.AddScoped<ReviewQueue>();
        services.AddScoped<VersionScanOutcome>();
        foreach (var purpose in VersionScanOutcome.Purposes)
            services.AddScoped<IScanCompletion>(sp => new VersionScanCompletion(purpose, sp.GetRequiredService<VersionScanOutcome>()));
        services.AddScoped<IProbeTargets, VersionProbeTargets>();
        services.AddScoped<LifecycleTicker>();
        services.AddScoped<IReconcilerStep>(sp => sp.GetRequiredService<LifecycleTicker>());
        services.AddScoped<StalledVersions>();
        services.AddScoped<IReconcilerStep>(sp => sp.GetRequiredService<StalledVersions>());
        services.AddScoped<Audit.IAuditGapCheck, VersionAuditGaps>(); // transitions, decisions, uploads and apps have their audit entries
        return services;
    }
}
