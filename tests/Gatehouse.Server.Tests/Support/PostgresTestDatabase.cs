using System.Security.Cryptography;
using Npgsql;

namespace Gatehouse.Server.Tests.Support;

/// <summary>
/// A fresh database on the throw-away PostgreSQL that <c>test.sh</c> starts
/// (<c>GATEHOUSE_TEST_PG</c>, a connection string to its <c>postgres</c> database). Dropped at dispose.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "GATEHOUSE_TEST_PG";

    private readonly string _admin;
    public string Name { get; }
    public string ConnectionString { get; }

    private PostgresTestDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true, MaxPoolSize = 20 }.ConnectionString;
    }

    /// <summary>A new database, already migrated: a copy of the run's template (<see cref="MigratedTemplates"/>).</summary>
    public static async Task<PostgresTestDatabase> CreateAsync() =>
        await CreateAsync(await MigratedTemplates.PostgresTemplateAsync());

    /// <summary>A new, empty database (no tables): the server migrates it at start-up.</summary>
    public static Task<PostgresTestDatabase> CreateEmptyAsync() => CreateAsync(template: null);

    private static async Task<PostgresTestDatabase> CreateAsync(string? template)
    {
        var admin = AdminConnectionString();
        var name = "gh_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        await using var conn = new NpgsqlConnection(admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}", conn);
        await cmd.ExecuteNonQueryAsync();
        return new PostgresTestDatabase(admin, name);
    }

    /// <summary>The connection string to the throw-away server's <c>postgres</c> database.</summary>
    public static string AdminConnectionString()
    {
        var admin = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(admin))
            throw new InvalidOperationException(
                $"PostgreSQL tests need {Variable} (a connection string); ./test.sh starts a throw-away server and sets it.");
        return admin;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
