namespace Gatehouse.Server.Scanning.Probes;

/// <summary>Registers the server side of the endpoint probe: its settings and the runner of <see cref="ScanKind.Probe"/> scans.</summary>
internal static class ProbeSetup
{
    public static IServiceCollection AddGatehouseProbes(this IServiceCollection services)
    {
        services.AddOptions<ProbeSettings>().BindConfiguration(ProbeSettings.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ProbeSettings>, ProbeSettingsValidator>();
        services.AddScoped<IScanRunner, ProbeScanRunner>();
        return services;
    }
}
