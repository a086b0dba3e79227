using System.Buffers.Binary;
using System.Text;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Catalogers;

/// <summary>rpm's SQLite database, built in code with header blobs laid out as rpm's lib/header.c writes them.</summary>
public sealed class RpmDbCatalogerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gatehouse-rpmdb-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A header blob as rpm writes it (the fuzz harness's builder, which also seeds the rpmdb target).</summary>
    internal static byte[] HeaderBlob(string name, string version, string release, int? epoch, string arch, string? sourceRpm) =>
        Gatehouse.Fuzz.DependencyHarness.HeaderBlob(name, version, release, epoch, arch, sourceRpm);

    /// <summary>An rpmdb.sqlite with rpm's schema (<c>Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)</c>), in WAL mode as rpm leaves it.</summary>
    internal static byte[] Database(string dir, params byte[][] blobs)
    {
        var file = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".sqlite");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString()))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);";
            create.ExecuteNonQuery();
            foreach (var blob in blobs)
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO Packages (blob) VALUES ($blob)";
                insert.Parameters.AddWithValue("$blob", blob);
                insert.ExecuteNonQuery();
            }
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        var bytes = File.ReadAllBytes(file);
        File.Delete(file);
        return bytes;
    }

    private List<Gatehouse.Analysis.Vulnerabilities.Packages.CatalogedPackage> Parse(byte[] database, out string? problem)
    {
        var copy = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(copy, database);
        return RpmDbCataloger.Parse(copy, "img.tar!/var/lib/rpm/rpmdb.sqlite", out problem).ToList();
    }

    [Fact]
    public void Installed_packages_come_with_version_release_epoch_arch_and_source_package()
    {
        var db = Database(_dir,
            HeaderBlob("openssl-libs", "3.0.7", "27.el9", 1, "x86_64", "openssl-3.0.7-27.el9.src.rpm"),
            HeaderBlob("bash", "5.1.8", "9.el9", null, "x86_64", "bash-5.1.8-9.el9.src.rpm"));

        var packages = Parse(db, out var problem);

        Assert.Null(problem);
        Assert.Equal(["pkg:rpm/redhat/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1", "pkg:rpm/redhat/bash@5.1.8-9.el9?arch=x86_64"],
            packages.Select(p => p.Purl.ToString()));
        Assert.Equal("1:3.0.7-27.el9", packages[0].Version);
        Assert.Equal("openssl", packages[0].SourceName);
        Assert.Null(packages[1].SourceName);
    }

    [Fact]
    public void Signing_keys_and_malformed_headers_are_not_packages()
    {
        var truncated = HeaderBlob("zlib", "1.2.11", "40.el9", null, "x86_64", null)[..40];
        var lying = HeaderBlob("curl", "7.76.1", "26.el9", null, "x86_64", null);
        BinaryPrimitives.WriteInt32BigEndian(lying.AsSpan(4), int.MaxValue); // data length past the blob
        var db = Database(_dir, HeaderBlob("gpg-pubkey", "fd431d51", "4ae0493b", null, "", null), truncated, lying,
            HeaderBlob("zlib", "1.2.11", "40.el9", null, "x86_64", null));

        Assert.Equal(["pkg:rpm/redhat/zlib@1.2.11-40.el9?arch=x86_64"], Parse(db, out var problem).Select(p => p.Purl.ToString()));
        Assert.Null(problem);
    }

    [Fact]
    public void A_file_that_is_not_an_rpm_database_is_a_problem()
    {
        Assert.Empty(Parse(Encoding.UTF8.GetBytes("this is not sqlite at all, just text long enough to be a header"), out var problem));
        Assert.StartsWith("not an rpm SQLite database", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_whose_offsets_point_outside_its_data_yields_nothing()
    {
        var blob = HeaderBlob("bash", "5.1.8", "9.el9", null, "x86_64", null);
        // Every entry's offset past the data.
        var il = BinaryPrimitives.ReadInt32BigEndian(blob);
        for (var i = 0; i < il; i++) BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(8 + (16 * i) + 8), 1 << 20);

        Assert.Null(RpmHeader.Parse(blob));
        Assert.Null(RpmHeader.Parse(blob.AsSpan(0, 7)));
    }
}
