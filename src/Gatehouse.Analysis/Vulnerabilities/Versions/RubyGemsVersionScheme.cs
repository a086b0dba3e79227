using System.Text.RegularExpressions;

namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// RubyGems version ordering (OSV ecosystem <c>RubyGems</c>) as <c>Gem::Version#&lt;=&gt;</c> defines it: the version
/// (whitespace stripped, each <c>-</c> read as <c>.pre.</c>) is cut into runs of digits and runs of letters; trailing
/// zeros of the release part and of the prerelease part drop out (<c>1.0</c> == <c>1</c>); segment by segment, numbers
/// compare as numbers (any size), letters as bytes, and a letter segment sorts before a number, so any version with a
/// letter is a prerelease (<c>1.0.a</c> &lt; <c>1.0</c>). Valid is Gem::Version's pattern; the empty string (which Ruby
/// reads as 0) is rejected so that nothing matches on it. Test data: rubygems' test_gem_version.rb spaceship cases.
/// </summary>
public sealed partial class RubyGemsVersionScheme : IVersionScheme
{
    /// <summary>The shared instance (stateless).</summary>
    public static RubyGemsVersionScheme Instance { get; } = new();

    private RubyGemsVersionScheme()
    {
    }

    /// <inheritdoc />
    public string Ecosystem => "RubyGems";

    /// <inheritdoc />
    public bool IsValid(string version) => Segments(version) is not null;

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        var x = Segments(a);
        var y = Segments(b);
        if (x is null || y is null)
        {
            return null;
        }
        for (var i = 0; i < Math.Max(x.Count, y.Count); i++)
        {
            var l = i < x.Count ? x[i] : "0";
            var r = i < y.Count ? y[i] : "0";
            var ln = char.IsAsciiDigit(l[0]);
            var rn = char.IsAsciiDigit(r[0]);
            var c = ln && rn ? LanguageVersionText.CompareDigits(l, r)
                : ln != rn ? (ln ? 1 : -1)
                : Math.Sign(string.CompareOrdinal(l, r));
            if (c != 0)
            {
                return c;
            }
        }
        return 0;
    }

    // Gem::Version::ANCHORED_VERSION_PATTERN.
    [GeneratedRegex(@"^\s*[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\s*$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Pattern();

    [GeneratedRegex("[0-9]+|[a-zA-Z]+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Segment();

    /// <summary>Gem::Version#canonical_segments, numbers kept as digit strings.</summary>
    private static List<string>? Segments(string version)
    {
        if (string.IsNullOrEmpty(version) || version.Length > LanguageVersionText.MaxLength)
        {
            return null;
        }
        try
        {
            if (!Pattern().IsMatch(version))
            {
                return null;
            }
            var all = Segment().Matches(version.Trim().Replace("-", ".pre.", StringComparison.Ordinal))
                .Select(m => m.Value)
                .ToList();
            var stringStart = all.FindIndex(s => !char.IsAsciiDigit(s[0]));
            var release = stringStart < 0 ? all : all[..stringStart];
            var pre = stringStart < 0 ? [] : all[stringStart..];
            DropTrailingZeros(release);
            DropTrailingZeros(pre);
            release.AddRange(pre);
            return release;
        }
        catch (RegexMatchTimeoutException)
        {
            return null;
        }
    }

    private static void DropTrailingZeros(List<string> segments)
    {
        while (segments.Count > 0 && segments[^1].All(c => c == '0'))
        {
            segments.RemoveAt(segments.Count - 1);
        }
    }
}
