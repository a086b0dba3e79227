namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// npm version ordering (OSV ecosystem <c>npm</c>) as node-semver's <c>compare(a, b, loose)</c> defines it, since that is
/// what the npm CLI and the registry use: SemVer 2.0 precedence (<c>MAJOR.MINOR.PATCH</c>, a prerelease sorts before its
/// release, numeric prerelease identifiers compare as numbers and before alphanumeric ones, which compare as ordinal
/// ASCII), build metadata ignored. Parsing is node-semver's loose mode: surrounding whitespace and leading <c>v</c>/<c>=</c>
/// are ignored, leading zeros are allowed, and the <c>-</c> before a prerelease may be missing (<c>1.2.3beta</c>).
/// Main version numbers above 2^53-1 are invalid (node-semver rejects them); prerelease numbers of any size compare as
/// numbers, digit by digit. Test data: node-semver's <c>test/fixtures/comparisons.js</c> and <c>equality.js</c>.
/// </summary>
public sealed class NpmVersionScheme : IVersionScheme
{
    /// <summary>The shared instance (stateless).</summary>
    public static NpmVersionScheme Instance { get; } = new();

    // JavaScript's Number.MAX_SAFE_INTEGER: node-semver refuses larger major/minor/patch numbers.
    private const long MaxSafeInteger = 9007199254740991;

    private NpmVersionScheme()
    {
    }

    /// <inheritdoc />
    public string Ecosystem => "npm";

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
        for (var i = 0; i < 3; i++)
        {
            if (x.Main[i] != y.Main[i])
            {
                return x.Main[i] < y.Main[i] ? -1 : 1;
            }
        }
        return ComparePrerelease(x.Prerelease, y.Prerelease);
    }

    /// <summary>SemVer 2.0 prerelease precedence; shared with the crates.io scheme, which uses the same rule.</summary>
    internal static int ComparePrerelease(string[] a, string[] b)
    {
        // No prerelease sorts after any prerelease of the same release.
        if (a.Length == 0 || b.Length == 0)
        {
            return a.Length == b.Length ? 0 : a.Length == 0 ? 1 : -1;
        }
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = CompareIdentifier(a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }
        return a.Length.CompareTo(b.Length) switch { < 0 => -1, > 0 => 1, _ => 0 };
    }

    private static int CompareIdentifier(string a, string b)
    {
        var an = LanguageVersionText.IsDigits(a);
        var bn = LanguageVersionText.IsDigits(b);
        if (an && bn)
        {
            return LanguageVersionText.CompareDigits(a, b);
        }
        if (an != bn)
        {
            return an ? -1 : 1;
        }
        return Math.Sign(string.CompareOrdinal(a, b));
    }

    private sealed record Parsed(long[] Main, string[] Prerelease);

    private static Parsed? Parse(string version)
    {
        if (string.IsNullOrEmpty(version) || version.Length > LanguageVersionText.MaxLength)
        {
            return null;
        }
        var s = version.AsSpan().Trim();
        // Loose mode: any run of 'v', '=' and whitespace before the version.
        var start = 0;
        while (start < s.Length && (s[start] == 'v' || s[start] == '=' || char.IsWhiteSpace(s[start])))
        {
            start++;
        }
        s = s[start..];

        var main = new long[3];
        var pos = 0;
        for (var i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                if (pos >= s.Length || s[pos] != '.')
                {
                    return null;
                }
                pos++;
            }
            var begin = pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }
            var digits = s[begin..pos].TrimStart('0');
            if (pos == begin || digits.Length > 16 || (digits.Length > 0 && long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) > MaxSafeInteger))
            {
                return null;
            }
            main[i] = digits.Length == 0 ? 0 : long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        }

        var rest = s[pos..];
        var plus = rest.IndexOf('+');
        var pre = plus < 0 ? rest : rest[..plus];
        if (plus >= 0 && !ValidDotted(rest[(plus + 1)..]))
        {
            return null;
        }
        if (pre.IsEmpty)
        {
            return new Parsed(main, []);
        }
        // Loose mode makes the '-' optional; the identifiers themselves may contain '-'.
        // As the regex backtracks: drop the '-' when what follows is a valid prerelease, else keep it as part of one.
        if (pre[0] == '-' && ValidDotted(pre[1..]))
        {
            pre = pre[1..];
        }
        else if (!ValidDotted(pre))
        {
            return null;
        }
        return new Parsed(main, pre.ToString().Split('.'));
    }

    /// <summary>Dot-separated, non-empty identifiers of <c>[0-9A-Za-z-]</c>.</summary>
    private static bool ValidDotted(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || s[0] == '.' || s[^1] == '.')
        {
            return false;
        }
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '.')
            {
                if (s[i - 1] == '.')
                {
                    return false;
                }
            }
            else if (!char.IsAsciiLetterOrDigit(c) && c != '-')
            {
                return false;
            }
        }
        return true;
    }
}
