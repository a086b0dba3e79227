using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Data;

/// <summary>Registers the database for the configured provider and migrates it at start-up.</summary>
internal static class DatabaseSetup
{
    public static IServiceCollection AddGatehouseDatabase(this IServiceCollection services, DatabaseOptions db, string dataDirectory)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        switch (db.Provider)
        {
            case DatabaseProvider.Sqlite:
                var cs = string.IsNullOrWhiteSpace(db.ConnectionString)
                    ? $"Data Source={Path.Combine(dataDirectory, "gatehouse.db")}"
                    : db.ConnectionString;
                services.AddDbContext<GatehouseDb, SqliteGatehouseDb>(o => Strict(o.UseSqlite(cs).AddInterceptors(AfterCommitInterceptor.Instance), db), optionsLifetime: ServiceLifetime.Singleton);
                break;
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(db.ConnectionString))
                    throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
                services.AddDbContext<GatehouseDb, PostgresGatehouseDb>(o => Strict(o.UseNpgsql(db.ConnectionString).AddInterceptors(AfterCommitInterceptor.Instance), db), optionsLifetime: ServiceLifetime.Singleton);
                break;
            default:
                throw new InvalidOperationException($"Unknown Database:Provider '{db.Provider}'.");
        }
        services.AddSingleton<AccessChanges>();
        services.AddHostedService<AccessChangeSubscription>(); // access changes committed by other instances (docs/scale-out.md)
        return services;
    }

    /// <summary>With <c>Database:StrictQueries</c>, a row limit without an order throws (see <see cref="DatabaseOptions.StrictQueries"/>).</summary>
    private static DbContextOptionsBuilder Strict(DbContextOptionsBuilder o, DatabaseOptions db) =>
        db.StrictQueries ? o.ConfigureWarnings(w => w.Throw(CoreEventId.RowLimitingOperationWithoutOrderByWarning)) : o;

    /// <summary>Applies pending migrations (when enabled) before anything else touches the database.</summary>
    public static async Task MigrateGatehouseDatabaseAsync(this IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value;
        if (!options.MigrateOnStartup) return;
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        if (db.Database.IsSqlite())
        {
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString());
            var dir = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        }
        await db.Database.MigrateAsync(ct);
        if (db.Database.IsSqlite())
        {
            // WAL: readers do not block the writer; the scan worker and the web share one file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }
}
