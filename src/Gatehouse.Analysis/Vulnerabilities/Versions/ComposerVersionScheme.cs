using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// Composer version ordering (OSV ecosystem <c>Packagist</c>), as composer/semver does it: each version is first
/// normalised by <c>VersionParser::normalize</c> (<c>v</c> prefix dropped, build metadata <c>+…</c> dropped, up to four
/// numeric parts padded with <c>.0</c>, stability suffixes spelled out: <c>a</c>→<c>alpha</c>, <c>b</c>→<c>beta</c>,
/// <c>rc</c>→<c>RC</c>, <c>p</c>/<c>pl</c>→<c>patch</c>, an optional <c>-dev</c>; date versions such as
/// <c>2010.01.02</c>), then the two are compared by PHP's <c>version_compare</c> (<c>Comparator::compare</c>): parts
/// split at <c>.</c>, <c>-</c>, <c>_</c>, <c>+</c> and at every change between digits and letters; numbers compare as
/// numbers; words by stability, <c>dev</c> &lt; <c>alpha</c> &lt; <c>beta</c> &lt; <c>RC</c> &lt; a number &lt;
/// <c>patch</c>. So <c>1.0.0-dev</c> &lt; <c>1.0.0-alpha1</c> &lt; <c>1.0.0-beta2</c> &lt; <c>1.0.0-RC1</c> &lt;
/// <c>1.0.0</c> &lt; <c>1.0.0-patch1</c> &lt; <c>1.0.1</c>. Branch names (<c>dev-main</c>, <c>1.x-dev</c>) name no
/// release and are invalid here, so they never match a range. Pure; bounded (<see cref="LanguageVersionText.MaxLength"/>).
/// </summary>
public sealed partial class ComposerVersionScheme : IVersionScheme
{
    /// <summary>The shared instance (stateless).</summary>
    public static ComposerVersionScheme Instance { get; } = new();

    /// <summary>The OSV ecosystems ordered this way.</summary>
    public static IReadOnlyList<string> Ecosystems { get; } = ["Packagist"];

    private ComposerVersionScheme()
    {
    }

    /// <inheritdoc />
    public string Ecosystem => "Packagist";

    /// <inheritdoc />
    public bool IsValid(string version) => Normalize(version) is not null;

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        var x = Normalize(a);
        var y = Normalize(b);
        if (x is null || y is null) return null;
        return PhpVersionCompare(Canonical(x), Canonical(y));
    }

    /// <summary>composer/semver's <c>VersionParser::normalize</c> for release versions; null for branches and what it rejects.</summary>
    public static string? Normalize(string? version)
    {
        if (string.IsNullOrWhiteSpace(version) || version.Length > LanguageVersionText.MaxLength) return null;
        var v = version.Trim();
        var plus = v.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0) v = v[..plus]; // build metadata
        var classical = Classical().Match(v);
        if (classical.Success)
        {
            var sb = new StringBuilder(classical.Groups[1].Value);
            for (var i = 2; i <= 4; i++)
                sb.Append(classical.Groups[i].Success ? classical.Groups[i].Value : ".0");
            return sb.Append(Modifiers(classical.Groups[5], classical.Groups[6], classical.Groups[7])).ToString();
        }
        var date = DateVersion().Match(v);
        if (date.Success)
        {
            var body = Regex.Replace(date.Groups[1].Value, @"\D", ".", RegexOptions.None, TimeSpan.FromSeconds(1));
            return body + Modifiers(date.Groups[2], date.Groups[3], date.Groups[4]);
        }
        return null;
    }

    // "-beta1", "-RC2", "-patch3", "-dev" as normalize writes them.
    private static string Modifiers(Group stability, Group number, Group dev)
    {
        var sb = new StringBuilder();
        if (stability.Success && !stability.Value.Equals("stable", StringComparison.OrdinalIgnoreCase))
        {
            sb.Append('-').Append(stability.Value.ToLowerInvariant() switch
            {
                "a" or "alpha" => "alpha",
                "b" or "beta" => "beta",
                "p" or "pl" or "patch" => "patch",
                _ => "RC",
            });
            if (number.Success) sb.Append(number.Value.TrimStart('.', '-'));
        }
        if (dev.Success) sb.Append("-dev");
        return sb.ToString();
    }

    /// <summary>PHP's <c>php_canonicalize_version</c>: separators to <c>.</c>, a <c>.</c> between digits and letters.</summary>
    private static string Canonical(string version)
    {
        var sb = new StringBuilder(version.Length * 2);
        var previous = '\0';
        foreach (var c in version)
        {
            if (c is '-' or '_' or '+' || !char.IsAsciiLetterOrDigit(c))
            {
                if (sb.Length > 0 && sb[^1] != '.') sb.Append('.');
            }
            else
            {
                if (sb.Length > 0 && previous != '\0' && (char.IsAsciiDigit(previous) != char.IsAsciiDigit(c)) && previous != '.' && sb[^1] != '.')
                    sb.Append('.');
                sb.Append(c);
            }
            previous = c;
        }
        return sb.ToString();
    }

    /// <summary>PHP's <c>php_version_compare</c> on canonical versions.</summary>
    private static int PhpVersionCompare(string a, string b)
    {
        var x = a.Split('.', StringSplitOptions.RemoveEmptyEntries);
        var y = b.Split('.', StringSplitOptions.RemoveEmptyEntries);
        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            var c = ComparePart(x[i], y[i]);
            if (c != 0) return c;
        }
        if (x.Length > n) return char.IsAsciiDigit(x[n][0]) ? 1 : PhpVersionCompare(string.Join('.', x[n..]), "#N#");
        if (y.Length > n) return char.IsAsciiDigit(y[n][0]) ? -1 : PhpVersionCompare("#N#", string.Join('.', y[n..]));
        return 0;
    }

    private static int ComparePart(string a, string b)
    {
        var da = char.IsAsciiDigit(a[0]);
        var db = char.IsAsciiDigit(b[0]);
        if (da && db) return LanguageVersionText.CompareDigits(a, b);
        if (!da && !db) return Math.Sign(Special(a) - Special(b));
        return da ? Math.Sign(Special("#N#") - Special(b)) : Math.Sign(Special(a) - Special("#N#"));
    }

    // PHP's special forms, matched by prefix in this order; anything else sorts before "dev".
    private static int Special(string form)
    {
        if (form.StartsWith("dev", StringComparison.Ordinal)) return 0;
        if (form.StartsWith("alpha", StringComparison.Ordinal) || form.StartsWith('a')) return 1;
        if (form.StartsWith("beta", StringComparison.Ordinal) || form.StartsWith('b')) return 2;
        if (form.StartsWith("RC", StringComparison.Ordinal) || form.StartsWith("rc", StringComparison.Ordinal)) return 3;
        if (form.StartsWith('#')) return 4;
        if (form.StartsWith("pl", StringComparison.Ordinal) || form.StartsWith('p')) return 5;
        return -6;
    }

    // composer/semver VersionParser: ^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)? + modifier, case-insensitive.
    [GeneratedRegex(@"^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Classical();

    // Date versions: ^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2}) + modifier.
    [GeneratedRegex(@"^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2})[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex DateVersion();
}
