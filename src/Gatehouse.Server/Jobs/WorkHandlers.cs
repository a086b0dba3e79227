namespace Gatehouse.Server.Jobs;

/// <summary>The one list of background work kinds.</summary>
internal static class WorkHandlers
{
    public static IServiceCollection AddWorkHandlers(this IServiceCollection services)
    {
        services.AddScoped<IWorkHandler, AuditVerifyHandler>();
        services.AddScoped<IWorkHandler, Scanning.ScanArtifactHandler>();
        services.AddScoped<IWorkHandler, Evidence.EvidenceExpiryHandler>();
        services.AddScoped<IWorkHandler, Data.Blobs.BlobRetentionHandler>();
        return services;
    }
}
