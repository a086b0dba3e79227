namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// Debian package versions, ordered as dpkg orders them (lib/dpkg/version.c: <c>parseversion</c> and <c>verrevcmp</c>,
/// the rules of Debian Policy 5.6.12): <c>[epoch:]upstream[-revision]</c>; the epoch compares numerically, then upstream
/// and revision each compare by alternating non-digit runs (character by character, letters before non-letters,
/// <c>~</c> before everything including the end) and digit runs (numerically, compared as digit strings so nothing
/// overflows). A missing revision equals <c>0</c>. Serves OSV's <c>Debian</c> and <c>Ubuntu</c> ecosystems (OSV suffixes
/// the release, e.g. <c>Debian:12</c>; the caller strips it).
/// </summary>
/// <remarks>
/// Validity is dpkg's <c>parseversion</c>, treating its warnings as errors: surrounding ASCII white space is ignored;
/// embedded white space, an empty or non-numeric or too large (&gt; 2^31-1) epoch, an empty upstream version or revision,
/// an upstream version not starting with a digit, and characters outside <c>[A-Za-z0-9.+~-:]</c> (upstream) or
/// <c>[A-Za-z0-9.+~]</c> (revision) make the version invalid. Longer than <see cref="MaxLength"/> characters is invalid too.
/// Tested against <c>dpkg --compare-versions</c> (dpkg 1.21) on generated pairs recorded in
/// tests/Gatehouse.Analysis.Tests/Vulnerabilities/Versions/data/dpkg-pairs.tsv (made by gen-dpkg-pairs.py beside it),
/// and live on random pairs when dpkg is on the PATH.
/// </remarks>
public sealed class DpkgVersionScheme : IVersionScheme
{
    /// <summary>Versions longer than this are rejected as invalid, bounding the work per call.</summary>
    public const int MaxLength = 256;

    /// <summary>The one instance (the scheme has no state).</summary>
    public static DpkgVersionScheme Instance { get; } = new();

    /// <summary>The OSV ecosystems whose versions are dpkg versions.</summary>
    public static IReadOnlyList<string> Ecosystems { get; } = ["Debian", "Ubuntu"];

    private DpkgVersionScheme() { }

    /// <inheritdoc />
    public string Ecosystem => "Debian";

    /// <inheritdoc />
    public bool IsValid(string version) => TryParse(version, out _);

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        if (!TryParse(a, out var x) || !TryParse(b, out var y)) return null;
        var c = x.Epoch.CompareTo(y.Epoch);
        if (c != 0) return c;
        c = VerRevCmp(x.Upstream, y.Upstream);
        if (c != 0) return c;
        return VerRevCmp(x.Revision, y.Revision);
    }

    private readonly record struct Parsed(long Epoch, string Upstream, string Revision);

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
    private static bool IsDigit(char c) => c is >= '0' and <= '9';
    private static bool IsAlpha(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';

    private static bool TryParse(string? version, out Parsed parsed)
    {
        parsed = default;
        if (version is null || version.Length > MaxLength) return false;
        var s = version.AsSpan().Trim(" \t\n\v\f\r");
        if (s.IsEmpty) return false;
        foreach (var ch in s) if (IsSpace(ch)) return false;

        long epoch = 0;
        var colon = s.IndexOf(':');
        if (colon >= 0)
        {
            // strtol: an optional sign ("-0" is epoch 0, any other negative is an error), then digits up to the first colon.
            var e = s[..colon];
            var negative = e.Length > 0 && e[0] == '-';
            if (e.Length > 0 && (e[0] == '+' || negative)) e = e[1..];
            if (e.IsEmpty) return false;
            foreach (var ch in e)
            {
                if (!IsDigit(ch)) return false;
                epoch = epoch * 10 + (ch - '0');
                if (epoch > int.MaxValue) return false;
            }
            if (negative && epoch != 0) return false;
            s = s[(colon + 1)..];
            if (s.IsEmpty) return false;
        }

        var revision = ReadOnlySpan<char>.Empty;
        var hyphen = s.LastIndexOf('-');
        if (hyphen >= 0)
        {
            revision = s[(hyphen + 1)..];
            if (revision.IsEmpty) return false;
            s = s[..hyphen];
        }
        if (s.IsEmpty || !IsDigit(s[0])) return false;
        foreach (var ch in s)
            if (!IsDigit(ch) && !IsAlpha(ch) && ch is not ('.' or '-' or '+' or '~' or ':')) return false;
        foreach (var ch in revision)
            if (!IsDigit(ch) && !IsAlpha(ch) && ch is not ('.' or '+' or '~')) return false;
        parsed = new Parsed(epoch, s.ToString(), revision.ToString());
        return true;
    }

    private static int Order(char c) => IsDigit(c) ? 0 : IsAlpha(c) ? c : c == '~' ? -1 : c + 256;

    // dpkg's verrevcmp; the end of a string reads as '\0' (order 0).
    private static int VerRevCmp(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while ((i < a.Length && !IsDigit(a[i])) || (j < b.Length && !IsDigit(b[j])))
            {
                var ac = i < a.Length ? Order(a[i]) : 0;
                var bc = j < b.Length ? Order(b[j]) : 0;
                if (ac != bc) return Math.Sign(ac - bc);
                i++;
                j++;
            }
            while (i < a.Length && a[i] == '0') i++;
            while (j < b.Length && b[j] == '0') j++;
            var firstDiff = 0;
            while (i < a.Length && IsDigit(a[i]) && j < b.Length && IsDigit(b[j]))
            {
                if (firstDiff == 0) firstDiff = a[i] - b[j];
                i++;
                j++;
            }
            if (i < a.Length && IsDigit(a[i])) return 1;
            if (j < b.Length && IsDigit(b[j])) return -1;
            if (firstDiff != 0) return Math.Sign(firstDiff);
        }
        return 0;
    }
}
