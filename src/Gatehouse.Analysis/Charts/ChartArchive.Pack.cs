using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Analysis.Charts;

public static partial class ChartArchive
{
    /// <summary>
    /// Packs the chart folder <paramref name="folder"/> into a deterministic <c>.tgz</c> at <paramref name="destination"/>
    /// (created 0600), as <c>helm package</c> lays it out: one top-level folder named after Chart.yaml's <c>name</c>,
    /// <c>.helmignore</c> honoured. Entries are sorted by path, regular files only, mode 0644, owner 0:0, mtime 0, so the
    /// same folder always gives the same bytes. A symlink, device or FIFO in the folder is refused (<c>chart.unsafe-entry</c>),
    /// more than the policy's limits is <c>chart.unreadable</c>.
    /// </summary>
    public static void Pack(string folder, string destination, ChartPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(policy);
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full)) throw new ChartException("chart.unreadable", $"{folder} is not a folder");
        var chartYaml = Path.Combine(full, "Chart.yaml");
        if (!File.Exists(chartYaml) || new FileInfo(chartYaml).LinkTarget is not null)
            throw new ChartException("chart.unreadable", $"{folder} has no Chart.yaml");
        var root = ChartName(File.ReadAllBytes(chartYaml), policy) ?? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar));
        var ignore = File.Exists(Path.Combine(full, ".helmignore"))
            ? HelmIgnore.Parse(File.ReadAllText(Path.Combine(full, ".helmignore")))
            : HelmIgnore.Parse("");

        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        void Walk(string dir, string relative, int depth)
        {
            if (depth > policy.MaxPathDepth) throw new ChartException("chart.unreadable", $"{relative} is nested deeper than {policy.MaxPathDepth} folders");
            foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
            {
                var rel = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                var isDir = entry is DirectoryInfo;
                if (ignore.Ignores(rel, isDir)) continue;
                if (entry.LinkTarget is not null)
                    throw new ChartException("chart.unsafe-entry", $"{rel} is a symbolic link; copy the file it points to into the chart instead");
                if (isDir)
                {
                    Walk(entry.FullName, rel, depth + 1);
                    continue;
                }
                if ((entry.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint)) != 0 || entry is not FileInfo file)
                    throw new ChartException("chart.unsafe-entry", $"{rel} is not a regular file");
                if (file.Length > policy.MaxFileBytes) throw new ChartException("chart.unreadable", $"{rel} is larger than {policy.MaxFileBytes} bytes (policy charts.maxFileBytes)");
                total += file.Length;
                if (total > policy.MaxTotalBytes) throw new ChartException("chart.unreadable", $"the chart is larger than {policy.MaxTotalBytes} bytes (policy charts.maxTotalBytes)");
                if (files.Count >= policy.MaxFiles) throw new ChartException("chart.unreadable", $"the chart has more than {policy.MaxFiles} files (policy charts.maxFiles)");
                files[rel] = File.ReadAllBytes(file.FullName);
            }
        }
        Walk(full, "", 1);

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var output = new FileStream(destination, options);
            Write(output, root, files);
        }
        catch
        {
            try { File.Delete(destination); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Writes <paramref name="files"/> under <paramref name="root"/>/ as a deterministic gzip tar (ustar, sorted, 0644, 0:0, mtime 0).</summary>
    public static void Write(Stream output, string root, IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(files);
        using var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        using (var tar = new TarWriter(gz, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (path, bytes) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var name = root + "/" + path;
                TarEntry entry;
                try
                {
                    entry = new UstarTarEntry(TarEntryType.RegularFile, name);
                }
                catch (ArgumentException ex)
                {
                    throw new ChartException("chart.unreadable", $"{name} is too long a path for a tar entry", ex);
                }
                entry.Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
                entry.ModificationTime = DateTimeOffset.UnixEpoch;
                entry.Uid = 0;
                entry.Gid = 0;
                entry.DataStream = new MemoryStream(bytes, writable: false);
                try
                {
                    tar.WriteEntry(entry);
                }
                catch (ArgumentException ex)
                {
                    throw new ChartException("chart.unreadable", $"{name} is too long a path for a tar entry", ex);
                }
            }
        }
    }

    /// <summary>Chart.yaml's <c>name</c>, when it is one Helm accepts as a folder name.</summary>
    internal static string? ChartName(byte[] chartYaml, ChartPolicy policy)
    {
        try
        {
            var meta = new ChartYaml(policy.MaxYamlNodes).ReadOne(Encoding.UTF8.GetString(chartYaml)) as JsonObject;
            var name = meta?["name"] is JsonValue v ? v.ToString() : null;
            return string.IsNullOrWhiteSpace(name) || name is "." or ".." || name.IndexOfAny(['/', '\\']) >= 0 ? null : name;
        }
        catch (ChartYamlException)
        {
            return null;
        }
    }
}
