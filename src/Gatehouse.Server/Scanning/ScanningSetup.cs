using Gatehouse.Server.Health;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Scanning.Probes;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// Registers scanning: its settings (<c>Scanning</c>), the one way to start a scan, the policies that judge scans,
/// the work item every scan runs as, a runner per <see cref="ScanKind"/> (files here, probes in
/// <see cref="ProbeSetup"/>), and the engines' readiness checks. Owners of scan purposes register their
/// <see cref="IScanCompletion"/>s; owners of probe subjects their <see cref="IProbeTargets"/>.
/// </summary>
internal static class ScanningSetup
{
    public static IServiceCollection AddGatehouseScanning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScanningOptions>().BindConfiguration(ScanningOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        // The self-tested engines (libmagic, YARA, clamd self-test state), shared by every scan of this host.
        services.AddSingleton(sp => new Gatehouse.Analysis.Analyzers.EngineHandles(sp.GetRequiredService<TimeProvider>()));
        services.AddScoped<ScanStarter>();
        services.AddScoped<ScanPolicies>();
        services.AddScoped<ScanResults>();
        services.AddScoped<IWorkHandler, ScanArtifactHandler>();
        services.AddScoped<FileScanRunner>();
        services.AddScoped<IScanRunner>(sp => sp.GetRequiredService<FileScanRunner>());
        services.AddScoped<IScanRunner, SbomScanRunner>();
        services.AddScoped<ScanSboms>();
        services.AddGatehouseProbes();

        // Every configured engine is part of readiness; an engine the policy needs but nobody configured
        // shows up in scan reports as incomplete instead.
        if (!string.IsNullOrWhiteSpace(configuration["Scanning:ClamdEndpoint"]))
            services.AddSingleton<IReadinessCheck, ClamdReadiness>();
        services.AddSingleton<IReadinessCheck, YaraReadiness>();
        return services;
    }
}
