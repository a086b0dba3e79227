using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Gatehouse.Server.Signing;
using Gatehouse.Server.Tests.Apps;
using Gatehouse.Server.Tests.OAuth;
using Gatehouse.Server.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Crash;

/// <summary>
/// The data a crash test kills servers on: a data folder and a database (SQLite in the folder, or a fresh PostgreSQL
/// database) with a vendor organisation, its member, an independent reviewer, the admin, a token for each and an
/// app, and for the downloads a published version of that app (<see cref="DownloadVersion"/>, reviewed and signed
/// the real way) installed by a tenant whose administrator has a token. The world is made with an in-process server (<see cref="GatehouseApp"/>, set-up only), which is stopped
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
    /// <summary>The published version customers download during the bursts, its file's digest and size.</summary>
    public required string DownloadVersion { get; init; }
    public required Guid DownloadVersionId { get; init; }
    public required string DownloadDigest { get; init; }
    public required long DownloadSize { get; init; }
    /// <summary>The tenant that installed the app, and a token of its administrator (who asks for download URLs).</summary>
    public required Guid TenantId { get; init; }
    public required string TenantToken { get; init; }

    /// <summary>
    /// The downloaded file: big enough that a download streams for a while (the clients read it slowly), so a kill lands
    /// inside one; random bytes stored, not compressed, in an app's zip.
    /// </summary>
    private const int DownloadPayloadBytes = 1024 * 1024;

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
            var reviewerToken = await LifecycleWorld.LongTokenAsync(seed, reviewer.Id, Roles.Reviewer);
            using (var client = seed.ClientWith(vendorToken))
            {
                var created = await client.PostAsJsonAsync($"/api/orgs/{org.Id}/apps", new { slug, name = "Acme Sync", type = "downloadable", tier = "standard" });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            var (download, downloadId) = await PublishAsync(seed, slug, vendorToken, reviewerToken);
            var customer = await seed.CreateUserAsync(Roles.Developer, "tenant-admin");
            var tenant = await OAuthWorld.CreateTenantAsync(seed, "Customer", customer.Id);
            var tenantToken = await LifecycleWorld.LongTokenAsync(seed, customer.Id, Roles.Developer);
            using (var client = seed.ClientWith(tenantToken))
            {
                var installed = await client.PostAsJsonAsync($"/api/tenants/{tenant}/installations", new { app = slug });
                Assert.True(installed.StatusCode == HttpStatusCode.Created, await installed.Content.ReadAsStringAsync());
            }
            var world = new CrashWorld(seed, kind, seed.Services.GetRequiredService<IConfiguration>()["Database:ConnectionString"])
            {
                VendorToken = vendorToken,
                ReviewerToken = reviewerToken,
                AdminToken = await LifecycleWorld.LongTokenAsync(seed, (await seed.AdminAsync()).Id, Roles.Admin),
                AppSlug = slug,
                VendorEmail = vendor.Email!,
                DownloadVersion = DownloadVersionName,
                DownloadVersionId = downloadId,
                DownloadDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(download)),
                DownloadSize = download.Length,
                TenantId = tenant,
                TenantToken = tenantToken,
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

    private const string DownloadVersionName = "0.9.0";

    /// <summary>
    /// Takes <see cref="DownloadVersionName"/> through the whole lifecycle on the set-up server, as the bursts take theirs
    /// (upload, answers, attestation, submit, scan, approve, publish, signing), so the data holds nothing a real server
    /// would not have written; returns the file and the version's id.
    /// </summary>
    private static async Task<(byte[] File, Guid Id)> PublishAsync(GatehouseApp seed, string slug, string vendorToken, string reviewerToken)
    {
        var file = BigApp();
        var path = $"/api/apps/{slug}/versions";
        using var vendor = seed.ClientWith(vendorToken);
        using var reviewer = seed.ClientWith(reviewerToken);
        async Task OkAsync(Task<HttpResponseMessage> call)
        {
            using var r = await call;
            Assert.True(r.IsSuccessStatusCode, $"{r.RequestMessage?.Method} {r.RequestMessage?.RequestUri}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        }
        await OkAsync(vendor.PostAsJsonAsync(path, new { version = DownloadVersionName }));
        var v = $"{path}/{DownloadVersionName}";
        await OkAsync(vendor.PutAsync($"{v}/artifact?name=acme-sync.zip", new ByteArrayContent(file) { Headers = { ContentType = new("application/octet-stream") } }));
        await OkAsync(vendor.PutAsJsonAsync($"{v}/answers", LifecycleWorld.Answers("downloadable")));
        await OkAsync(vendor.PostAsJsonAsync($"{v}/attestation", new { name = "Dana Smith, CISO", accept = true }));
        await OkAsync(vendor.PostAsJsonAsync($"{v}/actions", new { action = "submit", reasonCodes = Array.Empty<string>() }));
        var waited = Stopwatch.StartNew();
        while ((await vendor.GetFromJsonAsync<JsonElement>(v)).GetProperty("version").GetProperty("state").GetString() is "submitted" or "scanning")
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"{DownloadVersionName} was not scanned within two minutes");
            await Task.Delay(100);
        }
        await OkAsync(reviewer.PostAsJsonAsync($"{v}/actions", new { action = "approve", reasonCodes = new[] { "GH-FILE-4" }, text = "clean" }));
        await OkAsync(reviewer.PostAsJsonAsync($"{v}/actions", new { action = "publish", reasonCodes = Array.Empty<string>() }));
        // Signed before the set-up server stops, so the first round starts from a settled world.
        var id = await seed.WithScopeAsync(async sp => (await sp.GetRequiredService<GatehouseDb>().AppVersions.SingleAsync(x => x.Version == DownloadVersionName)).Id);
        while (await seed.WithScopeAsync(sp => sp.GetRequiredService<GatehouseDb>().Set<ArtifactSignature>().CountAsync(x => x.VersionId == id)) < 2)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(2)) throw new TimeoutException($"{DownloadVersionName} was not signed within two minutes");
            await Task.Delay(100);
        }
        return (file, id);
    }

    /// <summary>An app's zip with <see cref="DownloadPayloadBytes"/> of random data stored uncompressed (an image, say).</summary>
    private static byte[] BigApp()
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var w = new StreamWriter(zip.CreateEntry("README.md").Open()))
                w.Write("# Acme Sync\nSynchronises calendars.\n");
            using var data = zip.CreateEntry("assets/background.bin", CompressionLevel.NoCompression).Open();
            data.Write(RandomNumberGenerator.GetBytes(DownloadPayloadBytes));
        }
        return ms.ToArray();
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
        ["Database:StrictQueries"] = "true",
        ["Database:MigrateOnStartup"] = "false", // the schema is in place (a copy of the run's migrated template)
        ["Scanning:ClamdEndpoint"] = LifecycleWorld.Engines()["Scanning:ClamdEndpoint"],
        ["Jobs:WorkerCount"] = "2",
        ["Jobs:ReconcileInterval"] = "00:00:02",
        ["Jobs:Lease"] = "00:00:10",
        ["Jobs:Heartbeat"] = "00:00:02",
        ["Jobs:AuditVerifyInterval"] = "00:00:00",
        ["Jobs:EvidenceExpiryInterval"] = "00:00:00",
        ["Jobs:BlobRetentionInterval"] = "00:00:00",
        // Every download of the bursts is from 127.0.0.1: more than the default 120 a minute must not be refused.
        ["Downloads:RateLimitPerMinute"] = "100000",
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
