namespace Gatehouse.Server.Audit;

/// <summary>The audit log and the security-refusal counter that folds refusals into audit entries (docs/operations.md#security-refusals).</summary>
internal static class AuditSetup
{
    public static IServiceCollection AddGatehouseAudit(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddScoped<AuditGaps>(); // state changes without an audit entry: each feature registers its IAuditGapCheck
        services.AddOptions<SecurityRefusalsOptions>().BindConfiguration(SecurityRefusalsOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart(); // docs/operations.md#security-refusals
        services.AddSingleton<SecurityRefusals>();
        services.AddSingleton<SecurityRefusalsFlusher>(); // one audit entry per actor, reason and window
        services.AddHostedService(sp => sp.GetRequiredService<SecurityRefusalsFlusher>());
        // Periodic work: verifying the chain, every Jobs:AuditVerifyInterval (the key it always had).
        services.AddScoped<Jobs.IWorkHandler, AuditVerifyHandler>();
        services.AddOptions<AuditVerifyOptions>().BindConfiguration(AuditVerifyOptions.Section);
        Jobs.PeriodicWork.Register<AuditVerifyOptions>(services, AuditVerifyHandler.KindName, o => o.AuditVerifyInterval);
        return services;
    }
}
