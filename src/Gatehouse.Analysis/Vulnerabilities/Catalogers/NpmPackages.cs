using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Catalogers;

/// <summary>What every npm cataloger does with a name and version it found: the scope (<c>@babel</c>) is the purl namespace.</summary>
internal static class NpmPackages
{
    /// <summary>The package <c>pkg:npm/%40scope/name@version</c>, or null when the name and version form no purl.</summary>
    public static CatalogedPackage? Create(string name, string version, string declaredIn)
    {
        var slash = name.StartsWith('@') ? name.IndexOf('/', StringComparison.Ordinal) : -1;
        return PackageUrl.TryCreate("npm", slash > 0 ? name[..slash] : null, slash > 0 ? name[(slash + 1)..] : name, version, null, null, out var purl, out _)
            ? new CatalogedPackage("npm", name, version, purl, declaredIn)
            : null;
    }
}
