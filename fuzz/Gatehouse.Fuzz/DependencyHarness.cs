using System.Buffers.Binary;
using System.Text;
using Gatehouse.Analysis.Analyzers.Dependencies;
using Gatehouse.Analysis.Vulnerabilities.Catalogers;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Fuzz;

/// <summary>
/// The catalogers the <c>dependencies</c> analyzer runs on lockfiles, manifests and package databases, dispatched by file
/// path exactly as <c>DependenciesAnalyzer</c> does. A cataloger's documented refusal is its <c>problem</c> out value (or
/// an empty result); an exception is a crash even though the analyzer would turn it into <c>dependencies.unreadable</c>:
/// that net is for the scan's sake, not a licence for a parser to throw.
/// </summary>
internal static class DependencyHarness
{
    private static readonly OsRelease Debian = OsRelease.Parse("ID=debian\nVERSION_ID=\"12\"\n")!;
    private static readonly OsRelease Alpine = OsRelease.Parse("ID=alpine\nVERSION_ID=3.20.3\n")!;

    private static readonly Lazy<string> TempFolder = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "gatehouse-fuzz-" + Environment.ProcessId);
        Directory.CreateDirectory(folder);
        return folder;
    });

    /// <summary>The harness for a file at <paramref name="path"/> (the analyzer's classification decides the cataloger).</summary>
    public static Action<byte[]> For(string path)
    {
        var format = DependencyFiles.Classify(path) ?? throw new ArgumentException($"no cataloger reads {path}", nameof(path));
        return data => Parse(format, path, data);
    }

    private static void Parse(DependencyFormat format, string path, byte[] data)
    {
        var text = Text(data);
        switch (format)
        {
            case DependencyFormat.NpmLock: NpmLockCataloger.Parse(WithoutBom(data), path, out _); break;
            case DependencyFormat.NuGet: NuGetCataloger.Parse(WithoutBom(data), path, out _); break;
            case DependencyFormat.PnpmLock: PnpmLockCataloger.Parse(text, path, out _); break;
            case DependencyFormat.Nuspec: NuspecCataloger.Parse(text, path, out _); break;
            case DependencyFormat.Dpkg:
                DpkgStatusCataloger.Parse(text, path, os: null);
                DpkgStatusCataloger.Parse(text, path, Debian);
                break;
            case DependencyFormat.Apk:
                ApkInstalledCataloger.Parse(text, path, os: null);
                ApkInstalledCataloger.Parse(text, path, Alpine);
                break;
            case DependencyFormat.PomXml: PomXmlCataloger.Parse(text, path, out _); break;
            case DependencyFormat.Python: PythonCataloger.Parse(PythonCataloger.FormatOf(path)!, text, path, out _); break;
            case DependencyFormat.Lockfile: LockfileCatalogers.Parse(LockfileCatalogers.FormatOf(path)!, text, path, out _); break;
            case DependencyFormat.TextLock: TextLockCatalogers.Parse(TextLockCatalogers.FormatOf(path)!, text, path); break;
            case DependencyFormat.Manifest: ManifestCatalogers.Parse(ManifestCatalogers.FormatOf(path)!, text, path); break;
            case DependencyFormat.Release: OsRelease.Parse(text); break;
            case DependencyFormat.RpmDb: RpmDb(data, path); break;
            default: throw new InvalidOperationException($"no harness for {format}");
        }
    }

    /// <summary>As the analyzer does: SQLite reads files, so the bytes go to a private copy first.</summary>
    private static void RpmDb(byte[] data, string path)
    {
        var copy = Path.Combine(TempFolder.Value, "rpmdb.sqlite");
        File.WriteAllBytes(copy, data);
        RpmDbCataloger.Parse(copy, path, out _);
    }

    /// <summary><c>RpmHeader.Parse</c> and the package made from it: null for a malformed blob, never an exception.</summary>
    public static void RpmHeaderBlob(byte[] data)
    {
        if (RpmHeader.Parse(data) is { } header) RpmDbCataloger.Create(header, "var/lib/rpm/rpmdb.sqlite");
    }

    private static ReadOnlyMemory<byte> WithoutBom(byte[] content) =>
        content.AsSpan().StartsWith("\uFEFF"u8) ? content.AsMemory(3) : content;

    private static string Text(byte[] content) =>
        Encoding.UTF8.GetString(content.AsSpan().StartsWith("\uFEFF"u8) ? content.AsSpan(3) : content);

    /// <summary>
    /// A header blob as rpm's lib/header.c writes it: il and dl (int32 big-endian), il index entries (tag, type, offset,
    /// count), then the data. The first entry is the immutable region tag (63, BIN, 16 bytes of trailer), which readers
    /// of the fields skip. The engine's tests build their rpm databases with it too.
    /// </summary>
    public static byte[] HeaderBlob(string name, string version, string release, int? epoch, string arch, string? sourceRpm)
    {
        var data = new MemoryStream();
        var entries = new List<(int Tag, int Type, int Offset, int Count)>();
        void Str(int tag, string value)
        {
            entries.Add((tag, RpmHeader.TypeString, (int)data.Length, 1));
            data.Write(Encoding.UTF8.GetBytes(value + "\0"));
        }
        entries.Add((63, 7, (int)data.Length, 16));
        data.Write(new byte[16]);
        Str(RpmHeader.TagName, name);
        Str(RpmHeader.TagVersion, version);
        Str(RpmHeader.TagRelease, release);
        if (epoch is { } e)
        {
            while (data.Length % 4 != 0) data.WriteByte(0);
            entries.Add((RpmHeader.TagEpoch, RpmHeader.TypeInt32, (int)data.Length, 1));
            var buffer = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(buffer, e);
            data.Write(buffer);
        }
        Str(RpmHeader.TagArch, arch);
        if (sourceRpm is not null) Str(RpmHeader.TagSourceRpm, sourceRpm);
        var blob = new byte[8 + (16 * entries.Count) + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(blob, entries.Count);
        BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4), (int)data.Length);
        for (var i = 0; i < entries.Count; i++)
        {
            var at = blob.AsSpan(8 + (16 * i));
            BinaryPrimitives.WriteInt32BigEndian(at, entries[i].Tag);
            BinaryPrimitives.WriteInt32BigEndian(at[4..], entries[i].Type);
            BinaryPrimitives.WriteInt32BigEndian(at[8..], entries[i].Offset);
            BinaryPrimitives.WriteInt32BigEndian(at[12..], entries[i].Count);
        }
        data.ToArray().CopyTo(blob, 8 + (16 * entries.Count));
        return blob;
    }

    public static IEnumerable<(string, byte[])> RpmHeaderSeeds()
    {
        yield return ("bash.bin", HeaderBlob("bash", "5.1.8", "6.el9", null, "x86_64", "bash-5.1.8-6.el9.src.rpm"));
        yield return ("openssl-epoch.bin", HeaderBlob("openssl-libs", "3.0.7", "27.el9", 1, "x86_64", "openssl-3.0.7-27.el9.src.rpm"));
    }

    /// <summary>An rpmdb.sqlite with rpm's schema and two packages (made with SQLite itself, so it is a real database file).</summary>
    public static IEnumerable<(string, byte[])> RpmDbSeeds()
    {
        var file = Path.Combine(TempFolder.Value, "seed-rpmdb.sqlite");
        File.Delete(file);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString()))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);";
            create.ExecuteNonQuery();
            foreach (var (_, blob) in RpmHeaderSeeds())
            {
                using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO Packages (blob) VALUES ($blob)";
                insert.Parameters.AddWithValue("$blob", blob);
                insert.ExecuteNonQuery();
            }
        }
        var bytes = File.ReadAllBytes(file);
        File.Delete(file);
        yield return ("rpmdb.sqlite", bytes);
    }
}
