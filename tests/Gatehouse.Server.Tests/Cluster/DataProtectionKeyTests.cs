using Gatehouse.Server.Data;
using Gatehouse.Server.Downloads;
using Gatehouse.Server.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Server.Tests.Cluster;

/// <summary>
/// Data-protection keys live in the database (issue 21): an instance with its own data folder reads what another
/// protected, and a server upgraded from the file key ring keeps reading what it protected before.
/// </summary>
public sealed class DataProtectionKeyTests
{
    [Fact]
    public async Task An_instance_with_its_own_data_folder_reads_the_download_key_another_instance_made()
    {
        await using var a = await GatehouseApp.StartAsync(DbKind.Postgres);
        var other = Directory.CreateTempSubdirectory("gatehouse-instance-b-").FullName;
        try
        {
            await using var b = a.StartSibling(new Dictionary<string, string?> { ["Gatehouse:DataDirectory"] = other });
            var (kid, secret) = await a.Services.GetRequiredService<DownloadKeyRing>().SigningKeyAsync(CancellationToken.None);
            var (read, refusal) = await b.Services.GetRequiredService<DownloadKeyRing>().VerifyingKeyAsync(kid, CancellationToken.None);
            Assert.Equal(UrlRefusal.None, refusal);
            Assert.Equal(secret, read);
            // Nothing of the key ring went to either data folder.
            Assert.False(Directory.Exists(Path.Combine(other, "keys", "dataprotection")));
            Assert.False(Directory.Exists(Path.Combine(a.DataDirectory, "keys", "dataprotection")));
        }
        finally
        {
            Directory.Delete(other, recursive: true);
        }
    }

    [Fact]
    public async Task Keys_of_the_old_file_key_ring_are_imported_once_so_what_they_protected_stays_readable()
    {
        var data = Directory.CreateTempSubdirectory("gatehouse-upgrade-").FullName;
        try
        {
            // Before the upgrade: the key ring in {DataDirectory}/keys/dataprotection, as earlier versions kept it.
            var files = new DirectoryInfo(Path.Combine(data, "keys", "dataprotection"));
            var old = DataProtectionProvider.Create(files, b => b.SetApplicationName("gatehouse"));
            var protectedBefore = old.CreateProtector("Gatehouse.Downloads.UrlKeys.v1").Protect("a secret from before the upgrade");

            await MigratedTemplates.CopySqliteInto(data);
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddDbContext<GatehouseDb, SqliteGatehouseDb>(o => o.UseSqlite($"Data Source={Path.Combine(data, "gatehouse.db")};Pooling=False"));
            services.AddDataProtection().SetApplicationName("gatehouse").PersistKeysToDbContext<GatehouseDb>();
            await using var provider = services.BuildServiceProvider();
            await using (var scope = provider.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
                Assert.Equal(1, await DataProtectionKeyImport.ImportFileKeysAsync(db, data, CancellationToken.None));
                Assert.Equal(0, await DataProtectionKeyImport.ImportFileKeysAsync(db, data, CancellationToken.None)); // once
            }
            var now = provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("Gatehouse.Downloads.UrlKeys.v1");
            Assert.Equal("a secret from before the upgrade", now.Unprotect(protectedBefore));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}
