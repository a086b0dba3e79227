using Gatehouse.Server.Data;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Gatehouse.Server.Jobs;

/// <summary>
/// Hangfire with InMemory storage by default and PostgreSQL storage when the database is PostgreSQL
/// (then web and worker processes on different machines share the queue). The storage is a DI
/// singleton, not Hangfire's static <c>JobStorage.Current</c>, so several hosts in one process
/// (tests) never share a queue.
/// </summary>
internal static class JobsSetup
{
    public static IServiceCollection AddGatehouseJobs(this IServiceCollection services, DatabaseOptions db, GatehouseOptions gatehouse, JobsOptions jobs)
    {
        services.AddSingleton<JobStorage>(_ => db.Provider == DatabaseProvider.Postgres
            ? CreatePostgresStorage(db.ConnectionString!)
            // Guid job ids, never reused: a restarted process's new storage must not answer for a job id the old one
            // recorded on a work item (numbered ids restart at 1, and the reconciler would take a new job for the old).
            : new InMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = TimeSpan.FromDays(1), IdType = InMemoryStorageIdType.Guid }));
        services.AddSingleton<IBackgroundJobClient>(sp =>
        {
            _ = sp.GetRequiredService<IGlobalConfiguration>(); // apply this host's Hangfire settings first
            return new BackgroundJobClient(sp.GetRequiredService<JobStorage>());
        });
        services.AddHangfire((sp, c) => c
            .UseLogProvider(new HangfireLogging(sp.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());

        services.AddScoped<WorkQueue>();
        services.AddScoped<WorkRunner>();

        if (gatehouse.IsWorker)
        {
            services.AddHangfireServer((sp, o) =>
            {
                o.WorkerCount = Math.Max(1, jobs.WorkerCount);
                o.Queues = ["default"];
                o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
                o.Activator = new ScopedJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
            });
            services.AddSingleton<Reconciler>();
            services.AddHostedService(sp => sp.GetRequiredService<Reconciler>());
        }
        return services;
    }

    private static PostgreSqlStorage CreatePostgresStorage(string connectionString)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            InvisibilityTimeout = TimeSpan.FromMinutes(30),
            UseSlidingInvisibilityTimeout = true,
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options), options);
    }
}
