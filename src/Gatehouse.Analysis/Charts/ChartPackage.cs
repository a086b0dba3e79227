namespace Gatehouse.Analysis.Charts;

/// <summary>
/// A chart read from its archive and checked (<see cref="ChartArchive.Read"/>): its single top-level folder and its files,
/// in memory, by path inside that folder (<c>Chart.yaml</c>, <c>templates/deployment.yaml</c>), in ordinal order. Nested
/// sub-chart archives (<c>charts/*.tgz</c>) are kept as bytes and were read and checked the same way.
/// </summary>
public sealed class ChartPackage
{
    internal ChartPackage(string root, SortedDictionary<string, byte[]> files, IReadOnlyDictionary<string, ChartPackage> nested)
    {
        Root = root;
        Files = files;
        Nested = nested;
    }

    /// <summary>The top-level folder (Helm names it after the chart).</summary>
    public string Root { get; }

    /// <summary>Every regular file, by its path inside <see cref="Root"/>.</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; }

    /// <summary>Each <c>charts/*.tgz</c> Helm would load as a sub-chart, read and checked, by its path.</summary>
    public IReadOnlyDictionary<string, ChartPackage> Nested { get; }

    /// <summary>The file's bytes, or null.</summary>
    public byte[]? File(string path) => Files.TryGetValue(path, out var b) ? b : null;
}
