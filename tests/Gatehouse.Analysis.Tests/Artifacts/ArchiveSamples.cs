using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Gatehouse.Analysis.Artifacts;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Tests.Artifacts;

/// <summary>Generates archives in memory (nothing committed) and runs the walker over them.</summary>
internal static class ArchiveSamples
{
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>A zip written by the BCL (the way most real tools write them).</summary>
    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var e = zip.CreateEntry(name, CompressionLevel.Fastest);
                using var s = e.Open();
                s.Write(content);
            }
        }
        return ms.ToArray();
    }

    /// <summary>A tar with regular files; <paramref name="extra"/> adds links, devices and the like.</summary>
    public static byte[] Tar(IEnumerable<(string Name, byte[] Content)> files, Action<TarWriter>? extra = null)
    {
        using var ms = new MemoryStream();
        using (var w = new TarWriter(ms, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            }
            extra?.Invoke(w);
        }
        return ms.ToArray();
    }

    public static byte[] Gzip(byte[] content)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize, leaveOpen: true)) gz.Write(content);
        return ms.ToArray();
    }

    public static byte[] TarGz(params (string Name, byte[] Content)[] files) => Gzip(Tar(files));

    /// <summary>Policy with limits small enough for fast tests.</summary>
    public static Policy SmallLimits => new()
    {
        MaxEntryUncompressedBytes = 4 << 20,
        MaxTotalUncompressedBytes = 16 << 20,
        MaxCompressionRatio = 100,
        MaxNestingDepth = 5,
        MaxEntryCount = 1000,
        MaxScanTime = TimeSpan.FromSeconds(20),
    };
}

/// <summary>One walk's results: findings and every member that reached onFile (content read during the callback).</summary>
internal sealed class WalkResult
{
    public List<Finding> Findings { get; } = [];
    public List<(string Path, int Depth, byte[] Content, string Sha256)> Files { get; } = [];
    public string[] LeftoverTempFiles { get; set; } = [];

    public IEnumerable<Finding> Of(string ruleId) => Findings.Where(f => f.RuleId == ruleId);

    public byte[] Content(string path) => Files.Single(f => f.Path == path).Content;
}

/// <summary>Runs <see cref="ArchiveWalker"/> over bytes with a fresh temp directory, then checks it was left empty.</summary>
internal static class Walk
{
    public static async Task<WalkResult> RunAsync(
        byte[] archive,
        string name,
        Policy? policy = null,
        TimeProvider? time = null,
        Action<ScanFile>? onFile = null,
        string? rootSha256 = null,
        CancellationToken ct = default)
    {
        var temp = Path.Combine(Path.GetTempPath(), "gatehouse-walk-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        try
        {
            var walker = new ArchiveWalker(policy ?? ArchiveSamples.SmallLimits, temp, time ?? TimeProvider.System);
            var result = new WalkResult();
            var root = new ScanFile
            {
                Path = name,
                Depth = 0,
                Length = archive.Length,
                Sha256 = rootSha256 ?? ArchiveSamples.Sha256(archive),
                Open = () => new MemoryStream(archive, writable: false),
            };
            await walker.WalkAsync(root, async (file, token) =>
            {
                using var s = file.Open();
                using var copy = new MemoryStream();
                await s.CopyToAsync(copy, token);
                result.Files.Add((file.Path, file.Depth, copy.ToArray(), file.Sha256));
                onFile?.Invoke(file);
            }, result.Findings.Add, ct);
            result.LeftoverTempFiles = Directory.Exists(temp) ? Directory.GetFileSystemEntries(temp) : [];
            return result;
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }
}
