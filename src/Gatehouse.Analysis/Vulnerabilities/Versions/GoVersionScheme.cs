namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// Go module versions, ordered as <c>golang.org/x/mod/semver</c> <c>Compare</c> orders them: semantic versions with a
/// leading <c>v</c> (<c>v1.2.3-pre+build</c>; the shorthands <c>v1</c> and <c>v1.2</c> mean <c>v1.0.0</c> and
/// <c>v1.2.0</c>; no leading zeros; build metadata such as <c>+incompatible</c> is ignored, so <c>v2.0.0+incompatible</c>
/// equals <c>v2.0.0</c>). Pseudo-versions need no rule of their own: their forms
/// (<c>vX.0.0-yyyymmddhhmmss-abcdef123456</c>, <c>vX.Y.(Z+1)-0.yyyymmddhhmmss-…</c>, <c>vX.Y.Z-pre.0.yyyymmddhhmmss-…</c>)
/// are prereleases built to sort after the tag they derive from, before the next release, and by commit time among
/// themselves. Serves OSV's <c>Go</c> ecosystem.
/// </summary>
/// <remarks>
/// OSV's Go records write versions without the <c>v</c> (<c>1.2.3</c>), while go.mod and go.sum write it: this scheme
/// accepts both, and <c>1.2.3</c> equals <c>v1.2.3</c>. Unlike x/mod (which sorts invalid versions first), Compare returns
/// null for an invalid version. Numbers compare as digit strings (no overflow). Longer than <see cref="MaxLength"/> is
/// invalid. Tested on the table of golang/mod's semver/semver_test.go copied into
/// tests/Gatehouse.Analysis.Tests/Vulnerabilities/Versions/data/go-semver.data (its header names the commit) and on the
/// pseudo-versions of golang/mod's module/pseudo_test.go.
/// </remarks>
public sealed class GoVersionScheme : IVersionScheme
{
    /// <summary>Versions longer than this are rejected as invalid, bounding the work per call.</summary>
    public const int MaxLength = 256;

    /// <summary>The one instance (the scheme has no state).</summary>
    public static GoVersionScheme Instance { get; } = new();

    /// <summary>The OSV ecosystems whose versions are Go module versions.</summary>
    public static IReadOnlyList<string> Ecosystems { get; } = ["Go"];

    private GoVersionScheme() { }

    /// <inheritdoc />
    public string Ecosystem => "Go";

    private readonly record struct Parsed(string Major, string Minor, string Patch, string Prerelease);

    /// <inheritdoc />
    public bool IsValid(string version) => TryParse(version, out _);

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        if (!TryParse(a, out var x) || !TryParse(b, out var y)) return null;
        var c = CompareInt(x.Major, y.Major);
        if (c == 0) c = CompareInt(x.Minor, y.Minor);
        if (c == 0) c = CompareInt(x.Patch, y.Patch);
        if (c == 0) c = ComparePrerelease(x.Prerelease, y.Prerelease);
        return c;
    }

    // x/mod semver's parse, on the version with its 'v' (added when missing, for OSV's spelling).
    private static bool TryParse(string? version, out Parsed p)
    {
        p = default;
        if (string.IsNullOrEmpty(version) || version.Length > MaxLength) return false;
        var v = version[0] == 'v' ? version.AsSpan(1) : version.AsSpan();
        if (!ParseInt(ref v, out var major)) return false;
        if (v.IsEmpty) { p = new Parsed(major, "0", "0", ""); return true; }
        if (v[0] != '.') return false;
        v = v[1..];
        if (!ParseInt(ref v, out var minor)) return false;
        if (v.IsEmpty) { p = new Parsed(major, minor, "0", ""); return true; }
        if (v[0] != '.') return false;
        v = v[1..];
        if (!ParseInt(ref v, out var patch)) return false;
        var pre = "";
        if (!v.IsEmpty && v[0] == '-')
        {
            var end = v.IndexOf('+');
            if (end < 0) end = v.Length;
            if (!ValidIdentifiers(v[1..end], prerelease: true)) return false;
            pre = v[..end].ToString();
            v = v[end..];
        }
        if (!v.IsEmpty && v[0] == '+')
        {
            if (!ValidIdentifiers(v[1..], prerelease: false)) return false;
            v = ReadOnlySpan<char>.Empty;
        }
        if (!v.IsEmpty) return false;
        p = new Parsed(major, minor, patch, pre);
        return true;
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';
    private static bool IsIdentChar(char c) => IsDigit(c) || c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '-';

    private static bool ParseInt(ref ReadOnlySpan<char> v, out string value)
    {
        value = "";
        var i = 0;
        while (i < v.Length && IsDigit(v[i])) i++;
        if (i == 0 || (v[0] == '0' && i != 1)) return false;
        value = v[..i].ToString();
        v = v[i..];
        return true;
    }

    // Dot-separated, non-empty identifiers of [0-9A-Za-z-]; in a prerelease, numeric ones without leading zeros.
    private static bool ValidIdentifiers(ReadOnlySpan<char> s, bool prerelease)
    {
        if (s.IsEmpty) return false;
        foreach (var range in s.Split('.'))
        {
            var id = s[range];
            if (id.IsEmpty) return false;
            foreach (var c in id) if (!IsIdentChar(c)) return false;
            if (prerelease && id.Length > 1 && id[0] == '0' && IsNumeric(id)) return false;
        }
        return true;
    }

    private static bool IsNumeric(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (!IsDigit(c)) return false;
        return true;
    }

    private static int CompareInt(string x, string y)
    {
        if (x.Length != y.Length) return x.Length < y.Length ? -1 : 1;
        return Math.Sign(string.CompareOrdinal(x, y));
    }

    private static int ComparePrerelease(string x, string y)
    {
        if (x == y) return 0;
        if (x.Length == 0) return 1;
        if (y.Length == 0) return -1;
        // Both start with '-'; identifiers are separated by '.'.
        var xs = x[1..].Split('.');
        var ys = y[1..].Split('.');
        for (var i = 0; i < xs.Length && i < ys.Length; i++)
        {
            string dx = xs[i], dy = ys[i];
            if (dx == dy) continue;
            bool nx = IsNumeric(dx), ny = IsNumeric(dy);
            if (nx != ny) return nx ? -1 : 1;
            if (nx && dx.Length != dy.Length) return dx.Length < dy.Length ? -1 : 1;
            return Math.Sign(string.CompareOrdinal(dx, dy));
        }
        return xs.Length == ys.Length ? 0 : xs.Length < ys.Length ? -1 : 1;
    }
}
