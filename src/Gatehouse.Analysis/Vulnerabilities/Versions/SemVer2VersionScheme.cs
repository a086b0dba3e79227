namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// Strict Semantic Versioning 2.0.0 (https://semver.org/spec/v2.0.0.html), the order OSV's <c>SEMVER</c> range type
/// mandates: <c>MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]</c>, no leading <c>v</c>, no leading zeros in numeric
/// identifiers, precedence per §11 (a prerelease sorts before its release; numeric identifiers compare numerically and
/// before alphanumeric ones; a longer prerelease wins when all shared identifiers are equal), build metadata ignored (§10).
/// Numbers of any length are compared without overflow. Pure and thread-safe.
/// </summary>
public sealed class SemVer2VersionScheme : IVersionScheme
{
    /// <summary>Longer strings are rejected as invalid: no real version is this long, and it bounds the work per call.</summary>
    public const int MaxLength = 256;

    /// <summary>The shared instance (the scheme has no state).</summary>
    public static SemVer2VersionScheme Instance { get; } = new();

    /// <inheritdoc />
    public string Ecosystem => "SEMVER";

    /// <inheritdoc />
    public bool IsValid(string version) => Parse(version) is not null;

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        var x = Parse(a);
        var y = Parse(b);
        if (x is null || y is null) return null;
        for (var i = 0; i < 3; i++)
        {
            var c = CompareNumeric(x.Core[i], y.Core[i]);
            if (c != 0) return c;
        }
        // §11.3: a version with a prerelease has lower precedence than the same version without one.
        if (x.Pre.Length == 0 || y.Pre.Length == 0) return Sign(x.Pre.Length == 0, y.Pre.Length == 0);
        for (var i = 0; i < Math.Min(x.Pre.Length, y.Pre.Length); i++)
        {
            var c = CompareIdentifier(x.Pre[i], y.Pre[i]);
            if (c != 0) return c;
        }
        return Math.Sign(x.Pre.Length.CompareTo(y.Pre.Length));
    }

    private static int Sign(bool xRelease, bool yRelease) => xRelease == yRelease ? 0 : xRelease ? 1 : -1;

    private static int CompareIdentifier(string a, string b)
    {
        var an = IsDigits(a);
        var bn = IsDigits(b);
        if (an && bn) return CompareNumeric(a, b);
        if (an) return -1; // §11.4.3: numeric identifiers have lower precedence than alphanumeric ones.
        if (bn) return 1;
        return Math.Sign(string.CompareOrdinal(a, b)); // §11.4.2: ASCII order.
    }

    // Valid numeric identifiers have no leading zeros, so the longer one is larger; equal lengths compare digit by digit.
    private static int CompareNumeric(string a, string b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : Math.Sign(string.CompareOrdinal(a, b));

    private sealed record Parsed(string[] Core, string[] Pre);

    private static Parsed? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength) return null;
        var plus = text.IndexOf('+');
        var main = plus < 0 ? text : text[..plus];
        if (plus >= 0 && !ValidIdentifiers(text[(plus + 1)..], numericRule: false)) return null;
        var dash = main.IndexOf('-');
        var core = dash < 0 ? main : main[..dash];
        string[] pre = [];
        if (dash >= 0)
        {
            var preText = main[(dash + 1)..];
            if (!ValidIdentifiers(preText, numericRule: true)) return null;
            pre = preText.Split('.');
        }
        var parts = core.Split('.');
        if (parts.Length != 3) return null;
        foreach (var p in parts)
            if (!IsDigits(p) || (p.Length > 1 && p[0] == '0')) return null;
        return new Parsed(parts, pre);
    }

    // §9/§10: dot-separated, non-empty identifiers of [0-9A-Za-z-]; in a prerelease a numeric identifier has no leading zero.
    private static bool ValidIdentifiers(string text, bool numericRule)
    {
        if (text.Length == 0) return false;
        foreach (var id in text.Split('.'))
        {
            if (id.Length == 0) return false;
            foreach (var ch in id)
                if (!(char.IsAsciiLetterOrDigit(ch) || ch == '-')) return false;
            if (numericRule && id.Length > 1 && id[0] == '0' && IsDigits(id)) return false;
        }
        return true;
    }

    private static bool IsDigits(string s)
    {
        if (s.Length == 0) return false;
        foreach (var ch in s)
            if (!char.IsAsciiDigit(ch)) return false;
        return true;
    }
}
