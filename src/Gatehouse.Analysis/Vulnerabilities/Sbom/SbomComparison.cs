using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// Compares what Gatehouse found in an artifact with what the vendor's SBOM declares. Packages are the same when their
/// purls agree without qualifiers and subpath (<c>?arch=amd64</c>, <c>?distro=...</c>, <c>#sub/path</c> are ignored) and
/// their versions agree exactly (as written; a different version counts as missing, with the declared one named).
/// </summary>
public static class SbomComparison
{
    /// <summary>Compares <paramref name="found"/> (Gatehouse's inventory) with <paramref name="declared"/> (the vendor's SBOM).</summary>
    public static SbomComparisonResult Compare(IReadOnlyList<CatalogedPackage> found, IReadOnlyList<CatalogedPackage> declared)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(declared);
        var foundKeys = found.Select(Key).ToHashSet(StringComparer.Ordinal);
        var declaredKeys = declared.Select(Key).ToHashSet(StringComparer.Ordinal);
        return new SbomComparisonResult(
            Missing(found, declaredKeys, VersionsByName(declared)),
            Missing(declared, foundKeys, VersionsByName(found)),
            foundKeys.Count(declaredKeys.Contains));
    }

    /// <summary>The comparison key: the purl's canonical form without qualifiers and subpath.</summary>
    public static string Key(PackageUrl purl)
    {
        ArgumentNullException.ThrowIfNull(purl);
        return PackageUrl.Create(purl.Type, purl.Namespace, purl.Name, purl.Version).ToString();
    }

    // A declared component may carry its version beside the purl rather than in it.
    private static string Key(CatalogedPackage p) =>
        PackageUrl.Create(p.Purl.Type, p.Purl.Namespace, p.Purl.Name, VersionOf(p)).ToString();

    private static string VersionOf(CatalogedPackage p) => p.Purl.Version ?? p.Version ?? "";

    private static string NameKey(PackageUrl purl) => PackageUrl.Create(purl.Type, purl.Namespace, purl.Name).ToString();

    private static Dictionary<string, SortedSet<string>> VersionsByName(IReadOnlyList<CatalogedPackage> packages)
    {
        var versions = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var p in packages)
        {
            var name = NameKey(p.Purl);
            if (!versions.TryGetValue(name, out var set)) versions[name] = set = new SortedSet<string>(StringComparer.Ordinal);
            var version = VersionOf(p);
            if (version.Length > 0) set.Add(version);
        }
        return versions;
    }

    /// <summary>One entry per key of <paramref name="side"/> absent from <paramref name="otherKeys"/> (its first declaring file), sorted.</summary>
    private static List<SbomMissingPackage> Missing(IReadOnlyList<CatalogedPackage> side, HashSet<string> otherKeys,
        Dictionary<string, SortedSet<string>> otherVersions) =>
        side.Where(p => !otherKeys.Contains(Key(p)))
            .OrderBy(Key, StringComparer.Ordinal)
            .ThenBy(p => p.DeclaredIn, StringComparer.Ordinal)
            .DistinctBy(Key)
            .Select(p => new SbomMissingPackage(p,
                otherVersions.TryGetValue(NameKey(p.Purl), out var versions) ? versions.ToList() : []))
            .ToList();
}
