using System.Net;
using System.Net.Http.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>
/// The data a crash test kills servers on: a data folder and a database (SQLite in the folder, or a fresh PostgreSQL
/// database) with a vendor organisation, its member, an independent reviewer, the admin, a token for each and an
/// app. The world is made with an in-process server (<see cref="GatehouseApp"/>, set-up only), which is stopped
/// before any real server process runs on the same data; disposing the world deletes the folder and drops the database.
/// </summary>
internal sealed class CrashWorld : IAsyncDisposable
{
    private readonly GatehouseApp _seed;

    public DbKind Kind { get; }
    public string DataDirectory => _seed.DataDirectory;
    /// <summary>The server's temporary folder (<c>TMPDIR</c>): private to the test, so what a killed scan leaves there is seen.</summary>
    public string TempDirectory { get; }
    public string? ConnectionString { get; }
    public required string VendorToken { get; init; }
    public required string ReviewerToken { get; init; }
    public required string AdminToken { get; init; }
    public required string AppSlug { get; init; }
    /// <summary>The vendor member's address: every move of a version is e-mailed to the organisation's members.</summary>
    public required string VendorEmail { get; init; }

    private CrashWorld(GatehouseApp seed, DbKind kind, string? connectionString)
    {
        _seed = seed;
        Kind = kind;
        ConnectionString = connectionString;
        TempDirectory = Directory.CreateTempSubdirectory("gatehouse-crash-tmp-").FullName;
    }

    public static async Task<CrashWorld> CreateAsync(DbKind kind)
    {
        var seed = await GatehouseApp.StartAsync(kind, LifecycleWorld.Engines());
        try
        {
            var vendor = await seed.CreateUserAsync(Roles.Developer, "vendor");
            var reviewer = await seed.CreateUserAsync(Roles.Reviewer, "reviewer");
            var org = await seed.CreateOrganizationAsync(vendor.Id);
            var vendorToken = await LifecycleWorld.LongTokenAsync(seed, vendor.Id, Roles.Developer);
            var slug = $"crash-{Guid.NewGuid():N}"[..20];
            using (var client = seed.ClientWith(vendorToken))
            {
                var created = await client.PostAsJsonAsync($"/api/orgs/{org.Id}/apps", new { slug, name = "Acme Sync", type = "downloadable", tier = "standard" });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            var world = new CrashWorld(seed, kind, seed.Services.GetRequiredService<IConfiguration>()["Database:ConnectionString"])
            {
                VendorToken = vendorToken,
                ReviewerToken = await LifecycleWorld.LongTokenAsync(seed, reviewer.Id, Roles.Reviewer),
                AdminToken = await LifecycleWorld.LongTokenAsync(seed, (await seed.AdminAsync()).Id, Roles.Admin),
                AppSlug = slug,
                VendorEmail = vendor.Email!,
            };
            await seed.StopAsync(); // the data stays; only real server processes run on it from here on
            return world;
        }
        catch
        {
            await seed.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The server's configuration, as environment variables: this world's data and database, the scan engines the other
    /// tests use, and short job intervals so that recovery after a kill takes seconds. <c>Jobs:Heartbeat</c> is for the
    /// renewed lease (issue 14); a server that does not know it ignores it.
    /// </summary>
    public Dictionary<string, string?> ServerSettings() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Testing", // plain HTTP on loopback, like the in-process tests
        ["TMPDIR"] = TempDirectory,
        ["Gatehouse:DataDirectory"] = DataDirectory,
        ["Gatehouse:Roles"] = "web,worker",
        ["Gatehouse:BootstrapAdminEmail"] = GatehouseApp.AdminEmail,
        ["Gatehouse:BootstrapAdminPassword"] = GatehouseApp.AdminPassword,
        ["Database:Provider"] = Kind.ToString(),
        ["Database:ConnectionString"] = ConnectionString,
        ["Database:MigrateOnStartup"] = "false", // the schema is in place (a copy of the run's migrated template)
        ["Scanning:ClamdEndpoint"] = LifecycleWorld.Engines()["Scanning:ClamdEndpoint"],
        ["Jobs:WorkerCount"] = "2",
        ["Jobs:ReconcileInterval"] = "00:00:02",
        ["Jobs:Lease"] = "00:00:10",
        ["Jobs:Heartbeat"] = "00:00:02",
        ["Jobs:AuditVerifyInterval"] = "00:00:00",
        ["Jobs:EvidenceExpiryInterval"] = "00:00:00",
        ["Jobs:BlobRetentionInterval"] = "00:00:00",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>A context on the world's database, for reading what the server left (the server may be running or dead).</summary>
    public GatehouseDb OpenDb() => Kind == DbKind.Sqlite
        ? new SqliteGatehouseDb(new DbContextOptionsBuilder<SqliteGatehouseDb>()
            .UseSqlite($"Data Source={Path.Combine(DataDirectory, "gatehouse.db")}").Options)
        : new PostgresGatehouseDb(new DbContextOptionsBuilder<PostgresGatehouseDb>().UseNpgsql(ConnectionString).Options);

    public async ValueTask DisposeAsync()
    {
        if (Kind == DbKind.Sqlite) SqliteConnection.ClearAllPools();
        await _seed.DisposeAsync();
        try { Directory.Delete(TempDirectory, recursive: true); }
        catch (IOException) { }
    }
}
