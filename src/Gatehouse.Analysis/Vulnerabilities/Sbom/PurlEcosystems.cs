using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// The OSV ecosystem of a purl (<c>pkg:npm</c> → <c>npm</c>, <c>pkg:cargo</c> → <c>crates.io</c>, <c>pkg:deb/ubuntu</c> →
/// <c>Ubuntu</c>, ...) and the package name as that ecosystem writes it (Maven <c>group:artifact</c>, npm
/// <c>@scope/name</c>, Go module path), the same names the catalogers give.
/// </summary>
public static class PurlEcosystems
{
    /// <summary>The OSV ecosystem for the purl, or null when Gatehouse has no ecosystem for its type.</summary>
    public static string? Ecosystem(PackageUrl purl) => throw new NotImplementedException();

    /// <summary>The package name as the ecosystem writes it.</summary>
    public static string Name(PackageUrl purl) => throw new NotImplementedException();
}
