using System.Security.Cryptography;
using Gatehouse.Server.Data;
using Hangfire.PostgreSql;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// One migrated database per provider and test run, which every new test server starts from as a copy
/// (the SQLite file copied, PostgreSQL's <c>CREATE DATABASE … TEMPLATE</c>). Migrating from empty costs a
/// second or more per server and the suite starts about a hundred; the template is migrated by the server's
/// own start-up code (<see cref="DatabaseSetup.MigrateGatehouseDatabaseAsync"/>), so the migrations still run
/// once per run; servers on a copy skip the start-up migration (it would find nothing pending).
/// <see cref="GatehouseApp.StartOnEmptyDatabaseAsync"/> starts a server that migrates an empty database itself.
/// </summary>
internal static class MigratedTemplates
{
    private static readonly Lazy<Task<string>> SqliteFile = new(CreateSqliteAsync);
    private static readonly Lazy<Task<string>> PostgresName = new(CreatePostgresAsync);

    /// <summary>Puts a migrated SQLite database where a server on <paramref name="dataDirectory"/> looks for it.</summary>
    public static async Task CopySqliteInto(string dataDirectory)
    {
        var template = await SqliteFile.Value;
        File.Copy(template, Path.Combine(dataDirectory, "gatehouse.db"));
    }

    /// <summary>The name of the migrated PostgreSQL template database (made on first use).</summary>
    public static Task<string> PostgresTemplateAsync() => PostgresName.Value;

    private static async Task<string> CreateSqliteAsync()
    {
        var dir = Directory.CreateTempSubdirectory("gatehouse-template-").FullName;
        var path = Path.Combine(dir, "gatehouse.db");
        // No pooling: nothing may hold the file open (or keep a write-ahead log beside it) when it is copied.
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString;
        await MigrateAsync(DatabaseProvider.Sqlite, cs, dir);
        await using (var conn = new SqliteConnection(cs))
        {
            await conn.OpenAsync();
            await using var cmd = conn.CreateCommand();
            // One self-contained file (the write-ahead log checkpointed into it), still in WAL mode as the server's
            // start-up migration leaves it: test servers on a copy skip that step (GatehouseApp.OnTemplate).
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await cmd.ExecuteNonQueryAsync();
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException) { }
        };
        return path;
    }

    private static async Task<string> CreatePostgresAsync()
    {
        var admin = PostgresTestDatabase.AdminConnectionString();
        var name = "gh_template_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        // No pooling: CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
        var cs = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;
        await MigrateAsync(DatabaseProvider.Postgres, cs, Path.GetTempPath());
        // Hangfire's tables too (JobsSetup lets Hangfire create them when missing): each server then only checks
        // the schema version.
        await using (var conn = new NpgsqlConnection(cs))
        {
            await conn.OpenAsync();
            PostgreSqlObjectsInstaller.Install(conn, "hangfire");
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                using var conn = new NpgsqlConnection(admin);
                conn.Open();
                using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
                cmd.ExecuteNonQuery();
            }
            catch (NpgsqlException) { } // the throw-away server is gone already
        };
        return name;
    }

    /// <summary>The server's own start-up migration, on its own service provider.</summary>
    private static async Task MigrateAsync(DatabaseProvider provider, string connectionString, string dataDirectory)
    {
        var options = new DatabaseOptions { Provider = provider, ConnectionString = connectionString };
        var services = new ServiceCollection();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        services.AddGatehouseDatabase(options, dataDirectory);
        await using var sp = services.BuildServiceProvider();
        await sp.MigrateGatehouseDatabaseAsync(CancellationToken.None);
    }
}
