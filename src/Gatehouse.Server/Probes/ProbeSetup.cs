namespace Gatehouse.Server.Probes;

/// <summary>Registers the server side of the endpoint probe: its settings, the scan runner and the daily probe's completion.</summary>
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
        services.AddScoped<ProbeScanRunner>();
        services.AddScoped<Scanning.IScanCompletion, ProbeCompletion>();
        return services;
    }
}
