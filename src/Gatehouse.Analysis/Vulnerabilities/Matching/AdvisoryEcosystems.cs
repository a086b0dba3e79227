using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// Per OSV ecosystem: the version scheme that orders its versions, and how its package names compare. Both the index
/// (at import) and the query (at match) go through <see cref="Key"/>, so <c>Django</c> and <c>django</c> meet in PyPI and
/// never in npm. The release suffix (<c>Debian:12</c>, <c>Alpine:v3.20</c>) is part of the ecosystem key: a package
/// whose ecosystem carries no release matches only advisories that carry none either, never every release's.
/// </summary>
public static class AdvisoryEcosystems
{
    /// <summary>The ecosystem without its release: <c>Debian:12</c> → <c>Debian</c>.</summary>
    public static string Base(string ecosystem)
    {
        ArgumentNullException.ThrowIfNull(ecosystem);
        var colon = ecosystem.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? ecosystem : ecosystem[..colon];
    }

    /// <summary>
    /// The scheme for an ecosystem (release ignored), or null when Gatehouse has none: ranges of such an ecosystem are
    /// then Unknown (an uncertain match for a person to judge), and only exact <c>versions</c> entries match.
    /// </summary>
    public static IVersionScheme? SchemeFor(string ecosystem) => Base(ecosystem) switch
    {
        "npm" => NpmVersionScheme.Instance,
        "PyPI" => PypiVersionScheme.Instance,
        "Maven" => MavenVersionScheme.Instance,
        "NuGet" => NuGetVersionScheme.Instance,
        "Go" => GoVersionScheme.Instance,
        "crates.io" => CratesVersionScheme.Instance,
        "RubyGems" => RubyGemsVersionScheme.Instance,
        "Debian" or "Ubuntu" => DpkgVersionScheme.Instance,
        "Alpine" => ApkVersionScheme.Instance,
        "Red Hat" or "Rocky Linux" or "AlmaLinux" or "openSUSE" or "SUSE" => RpmVersionScheme.Instance,
        // Packagist: Composer's scheme arrives separately; until it is registered here, Packagist ranges are uncertain.
        _ => null,
    };

    /// <summary>The index key of (ecosystem, name): the ecosystem as written, and the name normalised the ecosystem's way.</summary>
    public static (string Ecosystem, string Name) Key(string ecosystem, string name)
    {
        ArgumentNullException.ThrowIfNull(ecosystem);
        ArgumentNullException.ThrowIfNull(name);
        return (ecosystem, NormalizeName(Base(ecosystem), name));
    }

    /// <summary>
    /// A package name as its ecosystem compares it: PyPI per PEP 503 (lower case, runs of <c>-_.</c> as one <c>-</c>),
    /// NuGet and Packagist case-insensitively (lower case), all others exactly (npm, Maven, Go, crates.io, RubyGems and the
    /// distributions are case-sensitive).
    /// </summary>
    public static string NormalizeName(string baseEcosystem, string name) => baseEcosystem switch
    {
        "PyPI" => Pep503(name),
        "NuGet" or "Packagist" => name.ToLowerInvariant(),
        _ => name,
    };

    // re.sub(r"[-_.]+", "-", name).lower(), as PEP 503 writes it.
    private static string Pep503(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '-' or '_' or '.')
            {
                if (i == 0 || name[i - 1] is not ('-' or '_' or '.')) sb.Append('-');
                continue;
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
