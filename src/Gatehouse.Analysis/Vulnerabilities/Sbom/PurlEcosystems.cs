using Gatehouse.Analysis.Vulnerabilities.Packages;

namespace Gatehouse.Analysis.Vulnerabilities.Sbom;

/// <summary>
/// The OSV ecosystem of a purl (<c>pkg:npm</c> → <c>npm</c>, <c>pkg:cargo</c> → <c>crates.io</c>, <c>pkg:deb/ubuntu</c> →
/// <c>Ubuntu</c>, ...) and the package name as that ecosystem writes it (Maven <c>group:artifact</c>, npm
/// <c>@scope/name</c>, Go module path), the same names the catalogers give.
/// </summary>
public static class PurlEcosystems
{
    // purl type → OSV ecosystem (https://ossf.github.io/osv-schema/#affectedpackage-field), for the types Gatehouse catalogs.
    private static readonly Dictionary<string, string> Languages = new(StringComparer.Ordinal)
    {
        ["npm"] = "npm",
        ["nuget"] = "NuGet",
        ["pypi"] = "PyPI",
        ["maven"] = "Maven",
        ["golang"] = "Go",
        ["cargo"] = "crates.io",
        ["gem"] = "RubyGems",
        ["composer"] = "Packagist",
        ["pub"] = "Pub",
        ["hex"] = "Hex",
        ["hackage"] = "Hackage",
        ["cran"] = "CRAN",
        ["swift"] = "SwiftURL",
    };

    // OS packages: the purl namespace is the distribution (purl-spec types deb, apk, rpm).
    private static readonly Dictionary<string, string> Distributions = new(StringComparer.Ordinal)
    {
        ["debian"] = "Debian",
        ["ubuntu"] = "Ubuntu",
        ["alpine"] = "Alpine",
        ["wolfi"] = "Wolfi",
        ["chainguard"] = "Chainguard",
        ["redhat"] = "Red Hat",
        ["almalinux"] = "AlmaLinux",
        ["rocky"] = "Rocky Linux",
        ["opensuse"] = "openSUSE",
        ["suse"] = "SUSE",
        ["mageia"] = "Mageia",
        ["photon"] = "Photon OS",
    };

    /// <summary>The OSV ecosystem for the purl, or null when Gatehouse has no ecosystem for its type.</summary>
    public static string? Ecosystem(PackageUrl purl)
    {
        ArgumentNullException.ThrowIfNull(purl);
        if (Languages.TryGetValue(purl.Type, out var language)) return language;
        return purl.Type switch
        {
            // Gatehouse's dpkg and apk catalogers name the family (Debian, Alpine) whatever the derivative.
            "deb" => purl.Namespace == "ubuntu" ? "Ubuntu" : "Debian",
            "apk" => purl.Namespace is "wolfi" or "chainguard" ? Distributions[purl.Namespace] : "Alpine",
            "rpm" => purl.Namespace is { } ns && Distributions.TryGetValue(ns, out var distro) ? distro : null,
            _ => null,
        };
    }

    /// <summary>The package name as the ecosystem writes it.</summary>
    public static string Name(PackageUrl purl)
    {
        ArgumentNullException.ThrowIfNull(purl);
        return purl.Type switch
        {
            "maven" => purl.Namespace is null ? purl.Name : purl.Namespace + ":" + purl.Name,
            "npm" or "golang" or "composer" or "swift" => purl.Namespace is null ? purl.Name : purl.Namespace + "/" + purl.Name,
            _ => purl.Name,
        };
    }
}
