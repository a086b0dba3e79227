namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// How one package ecosystem orders its versions (issue 16, "version rules per ecosystem"): npm semver, PEP 440, Maven,
/// NuGet, Go, Cargo, RubyGems, Debian dpkg, Alpine apk, RPM. Each implementation follows its ecosystem's reference
/// semantics and is tested against them. Pure and thread-safe; never throws on hostile text (bounded work per call).
/// </summary>
public interface IVersionScheme
{
    /// <summary>The OSV ecosystem name this scheme serves, e.g. <c>npm</c>, <c>PyPI</c>, <c>Debian</c>.</summary>
    string Ecosystem { get; }

    /// <summary>Whether <paramref name="version"/> is a version this ecosystem accepts (strictly: what its tools would parse).</summary>
    bool IsValid(string version);

    /// <summary>
    /// Orders two versions: negative when <paramref name="a"/> sorts before <paramref name="b"/>, zero when they are equal
    /// for this ecosystem (e.g. <c>1.0</c> and <c>1.0.0</c> in Maven), positive after. Returns null when either is not a
    /// valid version, so that a caller never matches on a guess.
    /// </summary>
    int? Compare(string a, string b);
}
