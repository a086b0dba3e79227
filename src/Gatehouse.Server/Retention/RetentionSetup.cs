using Gatehouse.Server.Jobs;

namespace Gatehouse.Server.Retention;

/// <summary>
/// Registers blob retention: the <c>blobs.retention</c> job, run every <c>Jobs:BlobRetentionInterval</c>, which deletes
/// blobs no version, evidence item or scan references. A folder of its own because it reads what every feature keeps.
/// </summary>
internal static class RetentionSetup
{
    public static IServiceCollection AddGatehouseRetention(this IServiceCollection services)
    {
        services.AddScoped<IWorkHandler, BlobRetentionHandler>();
        services.AddOptions<BlobRetentionOptions>().BindConfiguration(BlobRetentionOptions.Section);
        PeriodicWork.Register<BlobRetentionOptions>(services, BlobRetentionHandler.KindName, o => o.BlobRetentionInterval);
        return services;
    }
}
