using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// A package one side has and the other does not.
/// </summary>
/// <param name="Package">The package (with the file that declared it).</param>
/// <param name="OtherVersions">Versions of the same package (purl without version, qualifiers and subpath) the other
/// side does list, sorted; empty when the other side does not name the package at all. Non-empty means a version mismatch.</param>
public sealed record SbomMissingPackage(CatalogedPackage Package, IReadOnlyList<string> OtherVersions)
{
    /// <summary>Whether the other side names the package with another version (rather than not at all).</summary>
    public bool VersionMismatch => OtherVersions.Count > 0;
}
