using System.Formats.Tar;
using System.IO.Compression;
using System.IO.Enumeration;
using YamlDotNet.RepresentationModel;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// Packs a chart folder into the <c>.tgz</c> <c>helm package</c> would write, deterministically: one top-level folder named after
/// the chart, the files the chart's <c>.helmignore</c> does not exclude, sorted by path, mode 0644, owner 0:0, mtime 0, no
/// directory entries. So the same folder always has the same SHA-256, and a folder and its <c>helm package</c> give the same
/// findings. Links are refused rather than followed: a chart is data, and a link could pull in any file of this machine.
/// </summary>
internal static class ChartFolderPacker
{
    // Helm's own loader limit (MaxDecompressedChartSize): the engine refuses more anyway, so do not write it.
    private const long MaxBytes = 100L * 1024 * 1024;

    /// <summary>Writes <paramref name="target"/> and returns the artifact name, <c>{name}-{version}.tgz</c> as helm package names it.</summary>
    public static string Pack(string folder, string target)
    {
        var (name, version) = ReadNameAndVersion(Path.Combine(folder, "Chart.yaml"));
        // A Chart.yaml without a usable name or version is the engine's to report (chart.metadata): pack it under the folder's name.
        var top = name ?? new DirectoryInfo(folder).Name;
        var artifact = name is not null && version is not null ? $"{name}-{version}.tgz" : top + ".tgz";
        var ignore = HelmIgnore.Read(Path.Combine(folder, ".helmignore"));
        var files = new List<(string Relative, string Full)>();
        Walk(folder, "", ignore, files);
        files.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        long total = 0;
        using var output = File.Create(target);
        using (var gz = new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (relative, full) in files)
            {
                var entryName = top + "/" + relative;
                if (System.Text.Encoding.UTF8.GetByteCount(entryName) > 255) throw new ChartPackException($"{relative}: the path is too long for a chart archive");
                using var data = File.OpenRead(full);
                total += data.Length;
                if (total > MaxBytes) throw new ChartPackException($"the chart's files exceed {MaxBytes / (1024 * 1024)} MiB");
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, entryName)
                {
                    DataStream = data,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    Uid = 0,
                    Gid = 0,
                    UserName = "",
                    GroupName = "",
                });
            }
        }
        return artifact;
    }

    private static void Walk(string folder, string prefix, HelmIgnore ignore, List<(string, string)> files)
    {
        foreach (var info in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            var relative = prefix + info.Name;
            var isDir = info is DirectoryInfo;
            if (ignore.Ignores(relative, info.Name, isDir)) continue;
            if (info.LinkTarget is not null) throw new ChartPackException($"{relative} is a symbolic link; pack the chart without links");
            if (isDir) Walk(info.FullName, relative + "/", ignore, files);
            else if (info is FileInfo) files.Add((relative, info.FullName));
        }
    }

    private static (string? Name, string? Version) ReadNameAndVersion(string chartYaml)
    {
        try
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(chartYaml)) yaml.Load(reader);
            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return (null, null);
            string? Scalar(string key) =>
                root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { Length: > 0 } v } ? v : null;
            var name = Scalar("name");
            // The name becomes a path segment: anything that is not a plain chart name is left to the engine to report.
            if (name is null || name is "." or ".." || name.IndexOfAny(['/', '\\', ':']) >= 0 || name.Any(char.IsControl)) name = null;
            var version = Scalar("version");
            if (version is not null && (version.IndexOfAny(['/', '\\']) >= 0 || version.Any(char.IsControl))) version = null;
            return (name, version);
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or IOException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }

    /// <summary>
    /// The part of Helm's <c>.helmignore</c> rules that charts use: globs (<c>*</c>, <c>?</c>), a pattern without <c>/</c>
    /// matches the name at any depth, one with <c>/</c> the path from the chart's root, a trailing <c>/</c> only folders,
    /// <c>!</c> negates, <c>#</c> comments.
    /// </summary>
    private sealed class HelmIgnore
    {
        private readonly List<(string Pattern, bool Negate, bool DirOnly, bool Rooted)> _rules = [];

        public static HelmIgnore Read(string path)
        {
            var result = new HelmIgnore();
            if (!File.Exists(path)) return result;
            foreach (var raw in File.ReadLines(path))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var negate = line.StartsWith('!');
                if (negate) line = line[1..];
                var dirOnly = line.EndsWith('/');
                line = line.Trim('/');
                if (line.Length == 0) continue;
                result._rules.Add((line, negate, dirOnly, line.Contains('/', StringComparison.Ordinal)));
            }
            return result;
        }

        public bool Ignores(string relative, string name, bool isDir)
        {
            var ignored = false;
            foreach (var (pattern, negate, dirOnly, rooted) in _rules)
            {
                if (dirOnly && !isDir) continue;
                var match = FileSystemName.MatchesSimpleExpression(pattern, rooted ? relative : name, ignoreCase: false);
                if (match) ignored = !negate;
            }
            return ignored;
        }
    }
}
