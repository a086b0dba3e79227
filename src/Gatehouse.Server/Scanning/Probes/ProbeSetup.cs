namespace Gatehouse.Server.Scanning.Probes;

/// <summary>Registers the server side of the endpoint probe: its settings and the runner of <see cref="ScanKind.Probe"/> scans.</summary>
internal static class ProbeSetup
{
    public static IServiceCollection AddGatehouseProbes(this IServiceCollection services)
    {
        services.AddOptions<ProbeSettings>().BindConfiguration(ProbeSettings.Section)
            .Validate(o => o.AllowListParses(), "Gatehouse:Probe:AllowedAddresses must list IP addresses or CIDR networks")
            .Validate(o => o.TrustedRootsLoad(), "Gatehouse:Probe:TrustedRootsFile must name a readable PEM file with at least one certificate")
            .Validate(o => o.RequestTimeout > TimeSpan.Zero && o.RequestTimeout <= TimeSpan.FromMinutes(5), "Gatehouse:Probe:RequestTimeout must be positive and at most 5 minutes")
            .Validate(o => o.MaxDuration >= o.RequestTimeout && o.MaxDuration <= TimeSpan.FromHours(1), "Gatehouse:Probe:MaxDuration must be at least RequestTimeout and at most 1 hour")
            .ValidateOnStart();
        services.AddScoped<IScanRunner, ProbeScanRunner>();
        return services;
    }
}
