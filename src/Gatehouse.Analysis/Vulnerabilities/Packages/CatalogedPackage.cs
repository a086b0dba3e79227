namespace Gatehouse.Analysis.Vulnerabilities.Packages;

/// <summary>
/// One package a cataloger found: its ecosystem (the OSV name: <c>npm</c>, <c>NuGet</c>, <c>Debian</c>, ...), name and
/// version as the ecosystem writes them, its purl, and the path of the file that declared it (nested paths with
/// <c>!/</c>, as findings name them). OS packages also name their source package, which is what distribution
/// advisories are written against (Debian's for <c>libssl3</c> is <c>openssl</c>).
/// </summary>
public sealed record CatalogedPackage(string Ecosystem, string Name, string Version, PackageUrl Purl, string DeclaredIn)
{
    /// <summary>The source package (OS packages), null when it is the package itself or unknown.</summary>
    public string? SourceName { get; init; }

    /// <summary>The source package's version when it differs from <see cref="Version"/> (binNMUs), else null.</summary>
    public string? SourceVersion { get; init; }

    /// <summary>
    /// Container images (issue 17): the digest of the layer that introduced the package (<c>sha256:&lt;hex&gt;</c>), and
    /// <see cref="DeclaredIn"/> is then the file's path in the image's final filesystem; null for other artifacts.
    /// </summary>
    public string? Layer { get; init; }
}
