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
    public static SbomComparisonResult Compare(IReadOnlyList<CatalogedPackage> found, IReadOnlyList<CatalogedPackage> declared) =>
        throw new NotImplementedException();

    /// <summary>The comparison key: the purl's canonical form without qualifiers and subpath.</summary>
    public static string Key(PackageUrl purl) => throw new NotImplementedException();
}
