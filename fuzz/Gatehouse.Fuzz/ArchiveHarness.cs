using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;
using static Gatehouse.Fuzz.SeedFiles;

namespace Gatehouse.Fuzz;

/// <summary>
/// The archive walker (zip, tar, gzip, nested) and the zip structure parser. The walker's contract is that hostile
/// input never throws: every defect is an <c>archive.*</c> finding, so any exception out of it is a crash.
/// </summary>
internal static class ArchiveHarness
{
    /// <summary>Tight limits so a bomb costs milliseconds, not the default gigabytes; the walker's logic is the same.</summary>
    private static readonly Policy FuzzPolicy = new()
    {
        MaxTotalUncompressedBytes = 16L << 20,
        MaxEntryUncompressedBytes = 8L << 20,
        MaxEntryCount = 2_000,
        MaxNestingDepth = 5,
        MaxScanTime = TimeSpan.FromSeconds(5),
    };

    private static readonly Lazy<string> TempFolder = new(() => Path.Combine(Path.GetTempPath(), "gatehouse-fuzz-" + Environment.ProcessId));

    /// <summary><c>ArchiveWalker.WalkAsync</c> over the input as a root artifact, every member drained.</summary>
    public static void Walk(byte[] data)
    {
        var walker = new ArchiveWalker(FuzzPolicy, TempFolder.Value) { InMemoryMemberBytes = 16 << 20 };
        var root = new ScanFile
        {
            Path = "artifact",
            Length = data.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(data)),
            Depth = 0,
            Open = () => new MemoryStream(data, writable: false),
            Content = data,
        };
        walker.WalkAsync(root, static async (file, ct) =>
        {
            if (file.Content is not null) return;
            await using var s = file.Open();
            await s.CopyToAsync(Stream.Null, ct);
        }, static _ => { }, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary><c>ZipParser.Parse</c> (defects, never exceptions), then the walker on the same bytes.</summary>
    public static void Zip(byte[] data)
    {
        using (var s = new MemoryStream(data, writable: false)) ZipParser.Parse(s, 2_000);
        Walk(data);
    }

    public static IEnumerable<(string, byte[])> ZipSeeds()
    {
        yield return ("app.zip", SeedFiles.Zip(App));
        yield return ("stored.zip", SeedFiles.Zip(App, CompressionLevel.NoCompression));
        yield return ("nested.zip", SeedFiles.Zip([("lib/inner.zip", SeedFiles.Zip(App)), ("lib/layer.tar", Tar(App))]));
        yield return ("empty.zip", SeedFiles.Zip([]));
        yield return ("traversal.zip", SeedFiles.Zip([("../../etc/cron.d/x", Utf8("* * * * * root id\n")), ("dir/", [])]));
        // A jar: the same zip with a manifest, as the walker sees plugins.
        yield return ("plugin.jar", SeedFiles.Zip([("META-INF/MANIFEST.MF", Utf8("Manifest-Version: 1.0\nMain-Class: demo.Main\n")), ("demo/Main.class", [0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 52])]));
    }

    public static IEnumerable<(string, byte[])> TarSeeds()
    {
        yield return ("pax.tar", Tar(App));
        yield return ("ustar.tar", Tar(App, TarEntryFormat.Ustar));
        yield return ("gnu.tar", Tar(App, TarEntryFormat.Gnu));
        yield return ("v7.tar", Tar(App, TarEntryFormat.V7));
        yield return ("links.tar", Tar(App, TarEntryFormat.Pax, [("app/current", "bin"), ("app/escape", "../../../etc/passwd")]));
        yield return ("nested.tar", Tar([("app/vendor.zip", SeedFiles.Zip(App)), ("app/data.tar.gz", Gzip(Tar(App)))]));
        yield return ("long-names.tar", Tar([(string.Join('/', Enumerable.Repeat("deep-folder-name", 12)) + "/file.txt", Utf8("x"))], TarEntryFormat.Gnu));
    }

    public static IEnumerable<(string, byte[])> GzipSeeds()
    {
        yield return ("app.tar.gz", Gzip(Tar(App)));
        yield return ("readme.gz", Gzip(Utf8("# Demo app\nplain text, not an archive\n")));
        yield return ("nested.tgz", Gzip(Tar([("inner.tgz", Gzip(Tar(App)))])));
        yield return ("zeros.gz", Gzip(new byte[64 * 1024]));
    }
}
