namespace Gatehouse.Server.Evidence;

/// <summary>The evidence vault, settings in section <c>Evidence</c>.</summary>
internal static class EvidenceSetup
{
    public static IServiceCollection AddGatehouseEvidence(this IServiceCollection services)
    {
        services.AddOptions<EvidenceOptions>().BindConfiguration(EvidenceOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<EvidenceGuard>();
        services.AddScoped<EvidenceVault>();
        services.AddScoped<Apps.ITierEvidence>(sp => sp.GetRequiredService<EvidenceGuard>()); // the tier guard of version submissions
        services.AddScoped<Scanning.IScanCompletion, EvidenceScanCompletion>();
        services.AddScoped<Audit.IAuditGapCheck, EvidenceAuditGaps>(); // every upload and review has its audit entry
        // Periodic work: expiry, every Jobs:EvidenceExpiryInterval (the key it always had).
        services.AddScoped<Jobs.IWorkHandler, EvidenceExpiryHandler>();
        services.AddOptions<EvidenceExpiryOptions>().BindConfiguration(EvidenceExpiryOptions.Section);
        Jobs.PeriodicWork.Register<EvidenceExpiryOptions>(services, EvidenceExpiryHandler.KindName, o => o.EvidenceExpiryInterval);
        return services;
    }
}
