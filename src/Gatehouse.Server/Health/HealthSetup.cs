namespace Gatehouse.Server.Health;

/// <summary>
/// What <c>/readyz</c> checks: the database, the blob store and the job storage. Features add their own
/// <see cref="IReadinessCheck"/> (the scanning engines).
/// </summary>
internal static class HealthSetup
{
    public static IServiceCollection AddGatehouseHealth(this IServiceCollection services)
    {
        services.AddSingleton<IReadinessCheck, DatabaseReadiness>();
        services.AddSingleton<IReadinessCheck, BlobStoreReadiness>();
        services.AddSingleton<IReadinessCheck, JobStorageReadiness>();
        return services;
    }
}
