namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// Cargo version ordering (OSV ecosystem <c>crates.io</c>): strict SemVer 2.0 as the <c>semver</c> crate parses it,
/// no leading <c>v</c>, no whitespace, no leading zeros in numbers, major/minor/patch within 64 bits, and SemVer 2.0
/// precedence (build metadata ignored, which is what OSV ranges mean; the crate's own <c>Ord</c> would also order
/// build metadata). Test data: the precedence examples of the SemVer 2.0 specification (section 11).
/// </summary>
public sealed class CratesVersionScheme : IVersionScheme
{
    /// <summary>The shared instance (stateless).</summary>
    public static CratesVersionScheme Instance { get; } = new();

    private CratesVersionScheme()
    {
    }

    /// <inheritdoc />
    public string Ecosystem => "crates.io";

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
            if (x.Value.Main[i] != y.Value.Main[i])
            {
                return x.Value.Main[i] < y.Value.Main[i] ? -1 : 1;
            }
        }
        return NpmVersionScheme.ComparePrerelease(x.Value.Pre, y.Value.Pre);
    }

    private static (ulong[] Main, string[] Pre)? Parse(string version)
    {
        if (string.IsNullOrEmpty(version) || version.Length > LanguageVersionText.MaxLength)
        {
            return null;
        }
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var core = plus < 0 ? version : version[..plus];
        if (plus >= 0 && !Identifiers(version[(plus + 1)..], numericStrict: false, out _))
        {
            return null;
        }
        var dash = core.IndexOf('-', StringComparison.Ordinal);
        var main = dash < 0 ? core : core[..dash];
        string[] pre = [];
        if (dash >= 0 && !Identifiers(core[(dash + 1)..], numericStrict: true, out pre))
        {
            return null;
        }
        var parts = main.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }
        var numbers = new ulong[3];
        for (var i = 0; i < 3; i++)
        {
            var p = parts[i];
            if (!LanguageVersionText.IsDigits(p) || (p.Length > 1 && p[0] == '0')
                || !ulong.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out numbers[i]))
            {
                return null;
            }
        }
        return (numbers, pre);
    }

    /// <summary>Dot-separated non-empty <c>[0-9A-Za-z-]</c> identifiers; in a prerelease, numeric ones without leading zeros.</summary>
    private static bool Identifiers(string s, bool numericStrict, out string[] ids)
    {
        ids = s.Split('.');
        foreach (var id in ids)
        {
            if (id.Length == 0)
            {
                return false;
            }
            foreach (var c in id)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
            if (numericStrict && id.Length > 1 && id[0] == '0' && LanguageVersionText.IsDigits(id))
            {
                return false;
            }
        }
        return true;
    }
}
