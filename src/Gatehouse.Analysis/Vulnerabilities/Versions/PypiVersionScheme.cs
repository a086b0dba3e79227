using System.Text.RegularExpressions;

namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// Python version ordering (OSV ecosystem <c>PyPI</c>) per PEP 440, as the <c>packaging</c> library (what pip uses)
/// parses and orders it: optional epoch (<c>1!</c>), release numbers with trailing zeros insignificant
/// (<c>1.0</c> == <c>1.0.0</c>), pre-releases <c>a</c>/<c>b</c>/<c>rc</c> with their spellings (<c>alpha</c>, <c>beta</c>,
/// <c>c</c>, <c>pre</c>, <c>preview</c>), post-releases (<c>.post1</c>, <c>-1</c>, <c>rev</c>, <c>r</c>), dev releases, and
/// local versions (<c>+abc.5</c>); case-insensitive, <c>-</c>/<c>_</c>/<c>.</c> separators, an optional leading <c>v</c>.
/// Order: <c>1.0.dev0 &lt; 1.0a0.dev0 &lt; 1.0a0 &lt; 1.0 &lt; 1.0+local &lt; 1.0.post0.dev0 &lt; 1.0.post0</c>. Numbers of
/// any size compare digit by digit. Test data: the ordering examples of PEP 440, <c>packaging</c>'s test_version.py list,
/// and pairs generated and ordered by <c>packaging</c> itself (tests/.../Versions/pypi-pairs.txt, see gen-pypi-pairs.py).
/// </summary>
public sealed partial class PypiVersionScheme : IVersionScheme
{
    /// <summary>The shared instance (stateless).</summary>
    public static PypiVersionScheme Instance { get; } = new();

    private PypiVersionScheme()
    {
    }

    /// <inheritdoc />
    public string Ecosystem => "PyPI";

    /// <inheritdoc />
    public bool IsValid(string version) => Parse(version) is not null;

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        var x = Parse(a);
        var y = Parse(b);
        if (x is null || y is null)
        {
            return null;
        }
        var c = LanguageVersionText.CompareDigits(x.Epoch, y.Epoch);
        if (c != 0)
        {
            return c;
        }
        c = CompareRelease(x.Release, y.Release);
        if (c != 0)
        {
            return c;
        }
        c = CompareKey(PreKey(x), PreKey(y));
        if (c != 0)
        {
            return c;
        }
        // No post-release sorts before any post-release.
        c = CompareOptional(x.Post, y.Post, missingFirst: true);
        if (c != 0)
        {
            return c;
        }
        // No dev release sorts after any dev release.
        c = CompareOptional(x.Dev, y.Dev, missingFirst: false);
        if (c != 0)
        {
            return c;
        }
        return CompareLocal(x.Local, y.Local);
    }

    // The pattern of PEP 440 Appendix B (the one `packaging` uses), matched whole, case-insensitively.
    [GeneratedRegex(
        """
        ^\s*v?
        (?:(?<epoch>[0-9]+)!)?
        (?<release>[0-9]+(?:\.[0-9]+)*)
        (?<pre>[-_\.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?<pre_n>[0-9]+)?)?
        (?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_\.]?(?<post_l>post|rev|r)[-_\.]?(?<post_n2>[0-9]+)?))?
        (?<dev>[-_\.]?(?<dev_l>dev)[-_\.]?(?<dev_n>[0-9]+)?)?
        (?:\+(?<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?
        \s*$
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex Pep440();

    private sealed record Parsed(string Epoch, string[] Release, int PreKind, string? PreNumber, string? Post, string? Dev, string[]? Local);

    private static Parsed? Parse(string version)
    {
        if (string.IsNullOrEmpty(version) || version.Length > LanguageVersionText.MaxLength)
        {
            return null;
        }
        Match m;
        try
        {
            m = Pep440().Match(version);
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
        if (!m.Success)
        {
            return null;
        }
        var preKind = 0;
        string? preNumber = null;
        if (m.Groups["pre"].Success)
        {
            preKind = m.Groups["pre_l"].Value.ToLowerInvariant() switch
            {
                "a" or "alpha" => 1,
                "b" or "beta" => 2,
                _ => 3, // c, rc, pre, preview all mean a release candidate
            };
            preNumber = m.Groups["pre_n"].Success ? m.Groups["pre_n"].Value : "0";
        }
        string? post = null;
        if (m.Groups["post"].Success)
        {
            post = m.Groups["post_n1"].Success ? m.Groups["post_n1"].Value
                : m.Groups["post_n2"].Success ? m.Groups["post_n2"].Value : "0";
        }
        string? dev = m.Groups["dev"].Success ? (m.Groups["dev_n"].Success ? m.Groups["dev_n"].Value : "0") : null;
        string[]? local = m.Groups["local"].Success
            ? m.Groups["local"].Value.ToLowerInvariant().Split('-', '_', '.')
            : null;
        return new Parsed(
            m.Groups["epoch"].Success ? m.Groups["epoch"].Value : "0",
            m.Groups["release"].Value.Split('.'),
            preKind,
            preNumber,
            post,
            dev,
            local);
    }

    private static int CompareRelease(string[] a, string[] b)
    {
        // Missing parts count as zero, which is what dropping trailing zeros in `packaging` amounts to.
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var c = LanguageVersionText.CompareDigits(i < a.Length ? a[i] : "0", i < b.Length ? b[i] : "0");
            if (c != 0)
            {
                return c;
            }
        }
        return 0;
    }

    /// <summary>
    /// The pre-release part as (rank, number): a dev release of a final release (1.0.dev0) sorts before every
    /// pre-release (rank 0), a/b/rc are ranks 1-3, and no pre-release at all sorts after them (rank 4).
    /// </summary>
    private static (int Rank, string Number) PreKey(Parsed v)
    {
        if (v.PreKind == 0)
        {
            return (v.Post is null && v.Dev is not null ? 0 : 4, "0");
        }
        return (v.PreKind, v.PreNumber!);
    }

    private static int CompareKey((int Rank, string Number) a, (int Rank, string Number) b) =>
        a.Rank != b.Rank ? (a.Rank < b.Rank ? -1 : 1) : LanguageVersionText.CompareDigits(a.Number, b.Number);

    private static int CompareOptional(string? a, string? b, bool missingFirst)
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? 0 : (a is null) == missingFirst ? -1 : 1;
        }
        return LanguageVersionText.CompareDigits(a, b);
    }

    private static int CompareLocal(string[]? a, string[]? b)
    {
        // No local version sorts before any local version; then segment by segment, a numeric segment sorts after
        // an alphanumeric one, alphanumeric ones compare as (lower-cased) text, and a longer prefix-equal one sorts after.
        if (a is null || b is null)
        {
            return a is null && b is null ? 0 : a is null ? -1 : 1;
        }
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var an = LanguageVersionText.IsDigits(a[i]);
            var bn = LanguageVersionText.IsDigits(b[i]);
            var c = an && bn ? LanguageVersionText.CompareDigits(a[i], b[i])
                : an != bn ? (an ? 1 : -1)
                : Math.Sign(string.CompareOrdinal(a[i], b[i]));
            if (c != 0)
            {
                return c;
            }
        }
        return a.Length.CompareTo(b.Length) switch { < 0 => -1, > 0 => 1, _ => 0 };
    }
}
