using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Fuzz;

/// <summary>
/// Archives made in code for the seed corpora (zip, tar, gzip), so nothing binary or third-party is committed: small,
/// real-looking members (a manifest, a script, a nested archive, a link) in the layouts real tools write.
/// </summary>
internal static class SeedFiles
{
    /// <summary>A few small files as an app would ship them.</summary>
    public static readonly (string Name, string Text)[] AppFiles =
    [
        ("app/README.md", "# Demo app\nRun ./bin/start.sh\n"),
        ("app/bin/start.sh", "#!/bin/sh\nexec node server.js \"$@\"\n"),
        ("app/package.json", """{"name":"demo-app","version":"1.2.3","dependencies":{"left-pad":"1.3.0"}}"""),
        ("app/config/settings.json", """{"port":8080,"log":"info"}"""),
    ];

    public static byte[] Zip(IEnumerable<(string Name, byte[] Bytes)> files, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in files)
            {
                var e = zip.CreateEntry(name, level);
                e.LastWriteTime = new DateTimeOffset(2024, 1, 2, 3, 4, 6, TimeSpan.Zero);
                using var s = e.Open();
                s.Write(bytes);
            }
        }
        return ms.ToArray();
    }

    public static byte[] Tar(IEnumerable<(string Name, byte[] Bytes)> files, TarEntryFormat format = TarEntryFormat.Pax, IEnumerable<(string Name, string Target)>? symlinks = null)
    {
        using var ms = new MemoryStream();
        using (var tar = new TarWriter(ms, format, leaveOpen: true))
        {
            foreach (var (name, bytes) in files)
            {
                TarEntry e = format switch
                {
                    TarEntryFormat.Ustar => new UstarTarEntry(TarEntryType.RegularFile, name),
                    TarEntryFormat.Gnu => new GnuTarEntry(TarEntryType.RegularFile, name),
                    TarEntryFormat.V7 => new V7TarEntry(TarEntryType.V7RegularFile, name),
                    _ => new PaxTarEntry(TarEntryType.RegularFile, name),
                };
                e.ModificationTime = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
                e.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                e.DataStream = new MemoryStream(bytes);
                tar.WriteEntry(e);
            }
            foreach (var (name, target) in symlinks ?? [])
            {
                var e = new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero) };
                tar.WriteEntry(e);
            }
        }
        return ms.ToArray();
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(bytes);
        return ms.ToArray();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static IEnumerable<(string Name, byte[] Bytes)> App => AppFiles.Select(f => (f.Name, Utf8(f.Text)));
}
