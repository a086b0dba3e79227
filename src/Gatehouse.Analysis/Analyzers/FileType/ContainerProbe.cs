using System.IO.Compression;

namespace Gatehouse.Analysis.Analyzers.FileType;

/// <summary>
/// Refines zip and tar containers from their member names (content, never the file's own name).
/// Bounded: a zip is read through its central directory only (no member is decompressed), a tar
/// through its headers only; both stop after <see cref="MaxEntries"/> entries.
/// </summary>
internal static class ContainerProbe
{
    /// <summary>Entries looked at per container; a format's marker members come first in practice.</summary>
    public const int MaxEntries = 20_000;

    /// <summary>Zip-based format from the central directory; null when the zip cannot be read (the archive analyzer reports corruption).</summary>
    public static (string Mime, bool HasMacros)? Zip(Stream seekable)
    {
        bool contentTypes = false, nuspec = false, vsix = false, manifest = false, webInf = false,
            androidManifest = false, dex = false, word = false, excel = false, powerPoint = false, vba = false;
        try
        {
            using var zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
            var seen = 0;
            foreach (var entry in zip.Entries)
            {
                if (++seen > MaxEntries) break;
                var name = entry.FullName;
                switch (name)
                {
                    case "[Content_Types].xml": contentTypes = true; break;
                    case "extension.vsixmanifest": vsix = true; break;
                    case "META-INF/MANIFEST.MF": manifest = true; break;
                    case "AndroidManifest.xml": androidManifest = true; break;
                    case "classes.dex": dex = true; break;
                }
                if (!name.Contains('/', StringComparison.Ordinal) && name.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase)) nuspec = true;
                if (name.StartsWith("WEB-INF/", StringComparison.Ordinal)) webInf = true;
                if (name.StartsWith("word/", StringComparison.Ordinal)) word = true;
                if (name.StartsWith("xl/", StringComparison.Ordinal)) excel = true;
                if (name.StartsWith("ppt/", StringComparison.Ordinal)) powerPoint = true;
                if (name.EndsWith("vbaProject.bin", StringComparison.OrdinalIgnoreCase)) vba = true;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            return null;
        }

        string mime;
        if (androidManifest && dex) mime = FileTypes.Apk;
        else if (vsix) mime = FileTypes.Vsix;
        else if (nuspec && contentTypes) mime = FileTypes.Nupkg;
        else if (contentTypes && word) mime = vba ? FileTypes.Docm : FileTypes.Docx;
        else if (contentTypes && excel) mime = vba ? FileTypes.Xlsm : FileTypes.Xlsx;
        else if (contentTypes && powerPoint) mime = vba ? FileTypes.Pptm : FileTypes.Pptx;
        else if (webInf) mime = FileTypes.War;
        else if (manifest) mime = FileTypes.Jar;
        else mime = FileTypes.Zip;
        return (mime, vba);
    }

    /// <summary>
    /// OCI image layout (<c>oci-layout</c> + <c>index.json</c>), docker-archive (<c>manifest.json</c> +
    /// layers) or plain tar, from the headers. Seeks over member data when it can, otherwise reads it,
    /// up to <paramref name="maxBytes"/>.
    /// </summary>
    public static string Tar(Stream stream, long maxBytes)
    {
        bool ociLayout = false, index = false, manifest = false, layers = false, repositories = false;
        var block = new byte[512];
        long consumed = 0;
        for (var entries = 0; entries < MaxEntries; entries++)
        {
            if (!ReadBlock(stream, block)) break;
            consumed += 512;
            if (block.AsSpan().IndexOfAnyExcept((byte)0) < 0) break;   // end-of-archive marker
            if (!ContentSignatures.IsTarHeader(block)) break;
            var size = ContentSignatures.ParseOctal(block.AsSpan(124, 12));
            if (size is null or < 0) break;
            var name = Name(block);
            var type = block[156];
            if (type is (byte)'0' or 0 or (byte)'7' or (byte)'5')
            {
                switch (name)
                {
                    case "oci-layout": ociLayout = true; break;
                    case "index.json": index = true; break;
                    case "manifest.json": manifest = true; break;
                    case "repositories": repositories = true; break;
                }
                if (name.EndsWith("/layer.tar", StringComparison.Ordinal) || name.StartsWith("blobs/", StringComparison.Ordinal)) layers = true;
            }
            var skip = (size.Value + 511) / 512 * 512;
            if (!Skip(stream, skip, maxBytes - consumed)) break;
            consumed += skip;
        }
        if (ociLayout && index) return FileTypes.OciLayout;
        if (manifest && (layers || repositories)) return FileTypes.DockerArchive;
        return FileTypes.Tar;
    }

    private static string Name(byte[] block)
    {
        var span = block.AsSpan();
        var name = Field(span[..100]);
        if (span[257..262].SequenceEqual("ustar"u8))
        {
            var prefix = Field(span.Slice(345, 155));
            if (prefix.Length > 0) name = prefix + "/" + name;
        }
        while (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
        return name;
    }

    private static string Field(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private static bool ReadBlock(Stream stream, byte[] block)
    {
        try
        {
            stream.ReadExactly(block);
            return true;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException)
        {
            return false;
        }
    }

    private static bool Skip(Stream stream, long count, long budget)
    {
        if (count == 0) return true;
        try
        {
            if (stream.CanSeek)
            {
                if (stream.Position + count > stream.Length) return false;
                stream.Seek(count, SeekOrigin.Current);
                return true;
            }
            if (count > budget) return false;
            var buffer = new byte[81920];
            while (count > 0)
            {
                var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
                if (n == 0) return false;
                count -= n;
            }
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return false;
        }
    }
}
