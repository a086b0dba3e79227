using System.Formats.Tar;
using System.IO.Compression;

namespace Gatehouse.Analysis.Charts;

/// <summary>
/// Reads a Helm chart archive (<c>.tgz</c>) as a hostile archive, in memory and bounded by <see cref="ChartPolicy"/>, with
/// Helm's own loader rules and more: one top-level folder; no absolute path, <c>..</c>, drive letter, backslash, empty or
/// <c>.</c> segment; only regular files and folders (a symlink, hard link, device or FIFO is refused, never followed);
/// no duplicate names; bounded total and per-file size, file count and path depth. Sub-chart archives Helm would load
/// (<c>charts/*.tgz</c>) are read the same way, recursively. Nothing is written to disk.
/// </summary>
public static partial class ChartArchive
{
    /// <summary>Sub-charts inside sub-charts, at most.</summary>
    public const int MaxNesting = 5;

    /// <summary>Reads and checks the chart in <paramref name="tgz"/>. Throws <see cref="ChartException"/> (<c>chart.unreadable</c>, <c>chart.unsafe-entry</c>).</summary>
    public static ChartPackage Read(Stream tgz, ChartPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(tgz);
        ArgumentNullException.ThrowIfNull(policy);
        var budget = new Budget(policy);
        return ReadBounded(tgz, policy, budget, 0, "");
    }

    private sealed class Budget(ChartPolicy policy)
    {
        public long Bytes;
        public int Files;

        public void Add(long bytes, string where)
        {
            Bytes += bytes;
            Files++;
            if (Files > policy.MaxFiles) throw new ChartException("chart.unreadable", $"the chart has more than {policy.MaxFiles} files (policy charts.maxFiles)");
            if (Bytes > policy.MaxTotalBytes) throw new ChartException("chart.unreadable", $"the chart is larger than {policy.MaxTotalBytes} bytes decompressed at {where} (policy charts.maxTotalBytes)");
        }
    }

    private static ChartPackage ReadBounded(Stream tgz, ChartPolicy policy, Budget budget, int nesting, string prefix)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var dirs = new HashSet<string>(StringComparer.Ordinal);
        string? root = null;
        try
        {
            // The decompressed stream itself is bounded: tar headers and padding count too, so a stream of empty
            // entries cannot run forever.
            using var gz = new GZipStream(tgz, CompressionMode.Decompress, leaveOpen: true);
            using var bounded = new BoundedStream(gz, policy.MaxTotalBytes + (policy.MaxFiles + 16L) * 1536);
            using var tar = new TarReader(bounded, leaveOpen: true);
            while (tar.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes) continue;
                var name = entry.Name;
                var shown = prefix + Shorten(name);
                var directory = entry.EntryType == TarEntryType.Directory;
                if (!directory && entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    var what = entry.EntryType switch
                    {
                        TarEntryType.SymbolicLink => $"a symbolic link (to {Shorten(entry.LinkName)})",
                        TarEntryType.HardLink => $"a hard link (to {Shorten(entry.LinkName)})",
                        TarEntryType.CharacterDevice or TarEntryType.BlockDevice => "a device",
                        TarEntryType.Fifo => "a FIFO",
                        _ => $"a {entry.EntryType} entry",
                    };
                    throw new ChartException("chart.unsafe-entry", $"{shown} is {what}; a chart holds only regular files and folders");
                }
                var segments = Segments(name, directory, shown);
                if (segments.Length > policy.MaxPathDepth)
                    throw new ChartException("chart.unreadable", $"{shown} is nested deeper than {policy.MaxPathDepth} folders (policy charts.maxPathDepth)");
                if (root is null) root = segments[0];
                else if (!string.Equals(root, segments[0], StringComparison.Ordinal))
                    throw new ChartException("chart.unsafe-entry", $"{shown} is outside the chart's folder {root}/: a chart has one top-level folder");
                var path = string.Join('/', segments.Skip(1));
                if (files.ContainsKey(path) || (!directory && dirs.Contains(path)))
                    throw new ChartException("chart.unsafe-entry", $"{shown} appears twice in the archive");
                if (directory)
                {
                    dirs.Add(path);
                    continue;
                }
                if (path.Length == 0)
                    throw new ChartException("chart.unsafe-entry", $"{shown} is a file at the top level; a chart's files are inside its folder");
                if (entry.Length > policy.MaxFileBytes)
                    throw new ChartException("chart.unreadable", $"{shown} is larger than {policy.MaxFileBytes} bytes (policy charts.maxFileBytes)");
                budget.Add(entry.Length, shown);
                var bytes = new byte[entry.Length];
                if (entry.DataStream is { } data) data.ReadExactly(bytes);
                files[path] = bytes;
            }
        }
        catch (ChartException)
        {
            throw;
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or IOException or InvalidOperationException)
        {
            throw new ChartException("chart.unreadable", $"{(prefix.Length == 0 ? "the artifact" : prefix.TrimEnd('!', '/'))} is not a readable gzip tar: {ex.Message}", ex);
        }
        if (root is null) throw new ChartException("chart.unreadable", $"{(prefix.Length == 0 ? "the archive" : prefix.TrimEnd('!', '/'))} is empty");
        var nested = new SortedDictionary<string, ChartPackage>(StringComparer.Ordinal);
        foreach (var (path, bytes) in files)
        {
            if (!IsSubchartArchive(path)) continue;
            if (nesting + 1 > MaxNesting)
                throw new ChartException("chart.unreadable", $"{prefix}{root}/{path} nests sub-charts deeper than {MaxNesting} levels");
            using var inner = new MemoryStream(bytes, writable: false);
            nested[path] = ReadBounded(inner, policy, budget, nesting + 1, $"{prefix}{root}/{path}!/");
        }
        return new ChartPackage(root, files, nested);
    }

    /// <summary>Whether Helm's loader reads <paramref name="path"/> as a sub-chart archive (<c>charts/x.tgz</c>, not starting with <c>_</c> or <c>.</c>).</summary>
    internal static bool IsSubchartArchive(string path)
    {
        if (!path.StartsWith("charts/", StringComparison.Ordinal) || !path.EndsWith(".tgz", StringComparison.Ordinal)) return false;
        var name = path["charts/".Length..];
        return !name.Contains('/', StringComparison.Ordinal) && name[0] is not ('_' or '.');
    }

    private static string[] Segments(string name, bool directory, string shown)
    {
        if (name.Length == 0) throw new ChartException("chart.unsafe-entry", "an entry has an empty name");
        if (name[0] == '/') throw new ChartException("chart.unsafe-entry", $"{shown} is an absolute path");
        if (name.Contains('\\', StringComparison.Ordinal)) throw new ChartException("chart.unsafe-entry", $"{shown} contains a backslash");
        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':') throw new ChartException("chart.unsafe-entry", $"{shown} starts with a drive letter");
        if (name.Any(c => char.IsControl(c))) throw new ChartException("chart.unsafe-entry", $"{shown} contains a control character");
        var trimmed = directory && name.EndsWith('/') ? name[..^1] : name;
        var segments = trimmed.Split('/');
        foreach (var s in segments)
        {
            if (s == "..") throw new ChartException("chart.unsafe-entry", $"{shown} contains '..': chart illegally contains content outside the base directory");
            if (s.Length == 0 || s == ".") throw new ChartException("chart.unsafe-entry", $"{shown} has an empty or '.' path segment");
        }
        return segments;
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    /// <summary>Reads at most <c>limit</c> bytes, then fails: a decompression bomb stops there.</summary>
    private sealed class BoundedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            _read += n;
            if (_read > limit) throw new ChartException("chart.unreadable", $"the chart archive decompresses to more than {limit} bytes (policy charts.maxTotalBytes)");
            return n;
        }
    }
}
