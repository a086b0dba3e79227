using System.Collections.Concurrent;

namespace Gatehouse.Analysis.Vulnerabilities.Packages;

/// <summary>
/// The packages one scan found, filled by the <c>dependencies</c> file analyzer as the walker hands it files (from several
/// threads at once) and read once the walk is over by the artifact analyzers (vulnerability matching) and by whoever writes
/// the SBOM. One per scan: the pipeline creates it and hands it to analyzers through <c>AnalysisContext.Packages</c>.
/// </summary>
public sealed class PackageInventory
{
    private readonly ConcurrentQueue<CatalogedPackage> _packages = new();

    /// <summary>Adds a package a cataloger found.</summary>
    public void Add(CatalogedPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        _packages.Enqueue(package);
    }

    /// <summary>Every package added so far, in a stable order (purl, then declaring path), duplicates from one file removed.</summary>
    public IReadOnlyList<CatalogedPackage> Snapshot() =>
        _packages.DistinctBy(p => (p.Purl.ToString(), p.DeclaredIn))
            .OrderBy(p => p.Purl.ToString(), StringComparer.Ordinal)
            .ThenBy(p => p.DeclaredIn, StringComparer.Ordinal)
            .ToList();
}
