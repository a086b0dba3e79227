namespace Gatehouse.Server.Evidence;

/// <summary>The evidence vault, settings in section <c>Evidence</c>.</summary>
internal static class EvidenceSetup
{
    public static IServiceCollection AddGatehouseEvidence(this IServiceCollection services)
    {
        services.AddOptions<EvidenceOptions>().BindConfiguration(EvidenceOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<EvidenceGuard>();
        return services;
    }
}
