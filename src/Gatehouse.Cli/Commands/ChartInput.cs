using System.Formats.Tar;
using System.IO.Compression;
using Gatehouse.Analysis.Charts;
using Gatehouse.Cli.Output;
using YamlDotNet.RepresentationModel;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// Helm charts as the PATH of <c>gatehouse check</c> (issue 18): a chart folder (one with <c>Chart.yaml</c>) is packed into a
/// deterministic <c>.tgz</c> in the check's private scratch folder, so the same folder always reports the same SHA-256 and the
/// same findings as the packed chart; a file is a chart when it is a gzip tar whose one top-level folder holds
/// <c>Chart.yaml</c> (what <c>helm package</c> writes). <c>--type chart</c> (or <c>helm-chart</c>) forces the chart path and
/// fails clearly on anything else. Only the type is decided here: the engine reads the chart as a hostile archive.
/// </summary>
internal static class ChartInput
{
    /// <summary>The pipeline's app type for charts.</summary>
    public const string Type = "chart";

    /// <summary>The variable that names the Helm binary when <c>--helm</c> is not given.</summary>
    public const string HelmVariable = "GATEHOUSE_HELM";

    // Detection reads tar headers only until Chart.yaml shows up; helm package writes it first. A hostile archive that
    // hides it behind many entries is not detected (and then is no chart to the CLI unless --type chart says so).
    private const int MaxEntriesToDetect = 10_000;

    /// <summary>True for <c>chart</c> and <c>helm-chart</c> (the catalogue's name).</summary>
    public static bool IsChartType(string? type) => type is Type or Gatehouse.Analysis.Requirements.AppTypes.HelmChart;

    /// <summary>
    /// The chart to scan when <paramref name="full"/> is one (or <paramref name="explicitType"/> says it must be); null when it is
    /// no chart and no chart was asked for, so the caller tries the other inputs.
    /// </summary>
    public static CheckInput? Resolve(string full, string? explicitType, ChartPolicy policy, string scratch)
    {
        var forced = IsChartType(explicitType);
        if (Directory.Exists(full))
        {
            if (!File.Exists(Path.Combine(full, "Chart.yaml")))
            {
                if (forced) throw NotAChart(full, "a folder must hold Chart.yaml");
                return null;
            }
            if (explicitType is not null && !forced)
                throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--type {explicitType}: {full} is a Helm chart folder (it holds Chart.yaml); use --type chart or leave --type out");
            var target = Path.Combine(scratch, "chart.tgz");
            try
            {
                ChartArchive.Pack(full, target, policy);
            }
            catch (ChartException e)
            {
                // As for an image layout that cannot be packed: an error of the run with the chart's stable code, not a verdict.
                throw new CliException(ExitCodes.Incomplete, e.Code, $"{full}: {e.Message}");
            }
            return new CheckInput(new FileInfo(target), ArtifactName(full), Type);
        }
        if (File.Exists(full))
        {
            var isChart = IsChartArchive(full);
            if (forced && !isChart) throw NotAChart(Path.GetFileName(full), "a file must be a gzip tar whose one top-level folder holds Chart.yaml");
            // A chart archive implies chart; an explicit other type still wins (as for images): the other inputs decide then.
            if (!isChart || (explicitType is not null && !forced)) return null;
            return new CheckInput(new FileInfo(full), Path.GetFileName(full), Type);
        }
        if (forced) throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"{full}: no such file or folder");
        return null;
    }

    /// <summary>
    /// <c>{name}-{version}.tgz</c>, as <c>helm package</c> names the archive, so a folder and its package report the same paths;
    /// the folder's name when Chart.yaml has no usable name or version (the engine reports that as <c>chart.metadata</c>).
    /// </summary>
    internal static string ArtifactName(string folder)
    {
        var fallback = new DirectoryInfo(folder).Name + ".tgz";
        try
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(Path.Combine(folder, "Chart.yaml"))) yaml.Load(reader);
            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return fallback;
            string? Scalar(string key) =>
                root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { Length: > 0 and <= 200 } v }
                && v.IndexOfAny(['/', '\\', ':']) < 0 && !v.Any(char.IsControl) && v is not "." and not ".." ? v : null;
            return Scalar("name") is { } name && Scalar("version") is { } version ? $"{name}-{version}.tgz" : fallback;
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or IOException or UnauthorizedAccessException)
        {
            return fallback;
        }
    }

    private static CliException NotAChart(string what, string why) =>
        new(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--type chart: {what} is not a Helm chart ({why})");

    /// <summary>A gzip tar whose entries all sit in one top-level folder, which holds <c>Chart.yaml</c>.</summary>
    public static bool IsChartArchive(string file)
    {
        try
        {
            using var fs = File.OpenRead(file);
            if (fs.ReadByte() != 0x1f || fs.ReadByte() != 0x8b) return false;
            fs.Position = 0;
            using var gz = new GZipStream(fs, CompressionMode.Decompress);
            using var tar = new TarReader(gz);
            string? top = null;
            for (var n = 0; n < MaxEntriesToDetect && tar.GetNextEntry(copyData: false) is { } entry; n++)
            {
                if (entry.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes) continue;
                var name = entry.Name.Replace('\\', '/');
                while (name.StartsWith("./", StringComparison.Ordinal)) name = name[2..];
                name = name.TrimEnd('/');
                if (name.Length == 0 || name == ".") continue;
                var slash = name.IndexOf('/', StringComparison.Ordinal);
                var first = slash < 0 ? name : name[..slash];
                if (slash < 0 && entry.EntryType != TarEntryType.Directory) return false; // a file at the top: no chart layout
                if (top is null) top = first;
                else if (!string.Equals(top, first, StringComparison.Ordinal)) return false;
                if (slash >= 0 && string.Equals(name[(slash + 1)..], "Chart.yaml", StringComparison.Ordinal)) return true;
            }
            return false;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or ArgumentException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The Helm binary the engine renders with: <c>--helm</c>, else <c>$GATEHOUSE_HELM</c>, else null (the engine looks for
    /// <c>helm</c> on the PATH). A named one that does not exist is passed on: the scan is incomplete and says so.
    /// </summary>
    public static string? HelmPath(CliEnvironment env, string? option)
    {
        var named = option ?? env.GetVariable(HelmVariable);
        return string.IsNullOrWhiteSpace(named) ? null : Path.GetFullPath(named, env.WorkingDirectory);
    }

    /// <summary>What to do when no Helm rendered the chart (the hint the table prints under the reasons, stderr otherwise).</summary>
    public static string? Hint(Gatehouse.Analysis.Verdicts.ScanReport report, string? helmPath)
    {
        if (report.Chart is not { } chart || chart.HelmVersion is not null) return null;
        if (!chart.Renders.Any(r => r.Status == "skipped")) return null;
        var where = helmPath is null ? "no helm on the PATH" : $"{Terminal.Sanitize(helmPath)} did not run";
        return $"helm: {where}; pass --helm PATH or set {HelmVariable} (a chart is never passed without rendering it)";
    }

    /// <summary>
    /// The digests of <c>--approved-images FILE</c>: one <c>sha256:</c> and 64 hex digits a line; blank lines and <c>#</c> comments
    /// (whole lines or after the digest) are ignored. Anything else is a usage error naming the line.
    /// </summary>
    public static IReadOnlySet<string> ReadApprovedImages(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument, $"--approved-images {path}: {e.Message}");
        }
        return ParseApprovedImages(lines, path);
    }

    internal static IReadOnlySet<string> ParseApprovedImages(IEnumerable<string> lines, string source)
    {
        var digests = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = (hash < 0 ? raw : raw[..hash]).Trim();
            if (line.Length == 0) continue;
            if (!IsDigest(line))
                throw new CliException(ExitCodes.Usage, CliErrorCodes.InvalidArgument,
                    $"--approved-images {source}:{number}: expected a digest sha256:<64 hex digits>, got '{Terminal.Sanitize(line.Length > 80 ? line[..80] + "…" : line)}'");
            digests.Add(line.ToLowerInvariant());
        }
        return digests;
    }

    private static bool IsDigest(string s) =>
        s.Length == 71 && s.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) && s[7..].All(char.IsAsciiHexDigit);
}
