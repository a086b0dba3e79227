using Gatehouse.Analysis.Vulnerabilities.Packages;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>
/// RPM packages from rpm's SQLite database (<c>var/lib/rpm/rpmdb.sqlite</c>, or <c>usr/lib/sysimage/rpm/rpmdb.sqlite</c>
/// on newer Fedora and openSUSE): table <c>Packages</c>, one header blob per installed package (<see cref="RpmHeader"/>).
/// The older Berkeley DB and NDB databases are not read. <c>gpg-pubkey</c> entries are imported signing keys, not
/// packages, and are left out (as Trivy does). The file is opened read-only from the caller's private copy, as an
/// immutable database (no locks, no journal), with schema code untrusted; bounded (<see cref="MaxPackages"/>, <see cref="MaxBlobBytes"/>).
/// </summary>
public static class RpmDbCataloger
{
    /// <summary>Largest database read.</summary>
    public const long MaxBytes = 256L * 1024 * 1024;

    /// <summary>Most packages taken from one database.</summary>
    public const int MaxPackages = 100_000;

    /// <summary>Largest header blob read (real ones are tens of KB; a few with many files reach a few MB).</summary>
    public const int MaxBlobBytes = 32 * 1024 * 1024;

    private static readonly string[] Databases = ["var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"];

    /// <summary>Whether <paramref name="path"/> (a member path) is an rpm SQLite database.</summary>
    public static bool Handles(string path) => Distro.RootOf(path, Databases) is not null;

    /// <summary>
    /// The packages in the database at <paramref name="file"/> (a private copy the caller may change: its header is
    /// switched from WAL to rollback mode so no <c>-wal</c>/<c>-shm</c> file is needed); empty with the reason in
    /// <paramref name="problem"/> when it is not one we read. Without a distribution the namespace is <c>redhat</c>; the
    /// package inventory puts in the one its root names.
    /// </summary>
    public static IReadOnlyList<CatalogedPackage> Parse(string file, string declaredIn, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(file);
        problem = null;
        var packages = new List<CatalogedPackage>();
        try
        {
            ForceRollbackMode(file);
            var builder = new SqliteConnectionStringBuilder
            {
                DataSource = new Uri(Path.GetFullPath(file)).AbsoluteUri + "?immutable=1",
                Mode = SqliteOpenMode.ReadOnly,
                Pooling = false,
            };
            using var connection = new SqliteConnection(builder.ToString());
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA trusted_schema = OFF;";
                pragma.ExecuteNonQuery();
            }
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT blob FROM Packages";
            using var reader = command.ExecuteReader();
            while (reader.Read() && packages.Count < MaxPackages)
            {
                if (reader.IsDBNull(0)) continue;
                var length = reader.GetBytes(0, 0, null, 0, 0);
                if (length <= 0 || length > MaxBlobBytes) continue;
                var blob = new byte[length];
                reader.GetBytes(0, 0, blob, 0, blob.Length);
                if (RpmHeader.Parse(blob) is not { } header || header.Name == "gpg-pubkey") continue;
                if (Create(header, declaredIn) is { } package) packages.Add(package);
            }
        }
        catch (SqliteException e)
        {
            problem = "not an rpm SQLite database: " + e.Message;
            packages.Clear();
        }
        return packages;
    }

    /// <summary><c>pkg:rpm/redhat/bash@5.1.8-6.el9?arch=x86_64&amp;epoch=1</c>, ecosystem <c>Red Hat</c> until the distribution is known.</summary>
    public static CatalogedPackage? Create(RpmHeader header, string declaredIn)
    {
        ArgumentNullException.ThrowIfNull(header);
        var version = header.Version + "-" + header.Release;
        var qualifiers = new List<KeyValuePair<string, string>>();
        if (!string.IsNullOrEmpty(header.Arch)) qualifiers.Add(KeyValuePair.Create("arch", header.Arch));
        if (header.Epoch is { } epoch and > 0) qualifiers.Add(KeyValuePair.Create("epoch", epoch.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (!PackageUrl.TryCreate("rpm", "redhat", header.Name, version, qualifiers, null, out var purl, out _)) return null;
        var full = header.Epoch is { } e and > 0 ? $"{e}:{version}" : version;
        var source = header.SourceName;
        return new CatalogedPackage("Red Hat", header.Name, full, purl, declaredIn)
        {
            SourceName = source is not null && source != header.Name ? source : null,
        };
    }

    // SQLite's header bytes 18 and 19 are 2 in WAL mode, which needs -wal and -shm files beside the database; 1 reads it
    // as a rollback-journal database from the main file alone (the copy holds every committed page rpm checkpointed).
    private static void ForceRollbackMode(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Span<byte> header = stackalloc byte[20];
        if (stream.Read(header) < 20 || !header[..16].SequenceEqual("SQLite format 3\0"u8)) return;
        if (header[18] == 2 || header[19] == 2)
        {
            stream.Position = 18;
            stream.Write([1, 1]);
        }
    }
}
