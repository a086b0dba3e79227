namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// RPM package versions <c>[epoch:]version[-release]</c>, ordered as rpm orders them: the split of rpm's
/// <c>parseEVR</c> and the order of <c>rpmverCmp</c> (rpmio/rpmver.cc: epoch, missing epoch = 0; then version; then release,
/// a missing release sorting before any release), each part compared with <c>rpmvercmp</c> (rpmio/rpmvercmp.cc):
/// alphanumeric segments, other characters only separate them; a digit segment beats a letter segment; digit segments
/// compare numerically (as digit strings: no overflow), letter segments by ASCII; <c>~</c> sorts before everything, even the
/// end (pre-releases); <c>^</c> sorts after the end but before any further segment (post-release snapshots). Serves OSV's
/// <c>Red Hat</c>, <c>Rocky Linux</c>, <c>AlmaLinux</c>, <c>openSUSE</c> and <c>SUSE</c> ecosystems (OSV may suffix a
/// release, e.g. <c>Red Hat:enterprise_linux:9</c>; the caller strips it).
/// </summary>
/// <remarks>
/// rpmvercmp itself orders any text; validity here is what rpmbuild accepts in Version and Release (letters, digits and
/// <c>._+~^</c>, macros expanded), an optional all-digit epoch before a colon, a non-empty version, and a non-empty release
/// after the last hyphen when there is one. Longer than <see cref="MaxLength"/> characters is invalid. Tested against
/// rpm's own expected results, the RPMVERCMP lines of rpm's tests/rpmvercmp.at copied into
/// tests/Gatehouse.Analysis.Tests/Vulnerabilities/Versions/data/rpm-vercmp.data (its header names the commit).
/// </remarks>
public sealed class RpmVersionScheme : IVersionScheme
{
    /// <summary>Versions longer than this are rejected as invalid, bounding the work per call.</summary>
    public const int MaxLength = 256;

    /// <summary>The one instance (the scheme has no state).</summary>
    public static RpmVersionScheme Instance { get; } = new();

    /// <summary>The OSV ecosystems whose versions are RPM versions.</summary>
    public static IReadOnlyList<string> Ecosystems { get; } = ["Red Hat", "Rocky Linux", "AlmaLinux", "openSUSE", "SUSE"];

    private RpmVersionScheme() { }

    /// <inheritdoc />
    public string Ecosystem => "Red Hat";

    /// <inheritdoc />
    public bool IsValid(string version) => TryParse(version, out _, out _, out _);

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        if (!TryParse(a, out var ea, out var va, out var ra) || !TryParse(b, out var eb, out var vb, out var rb)) return null;
        var c = VerCmp(ea, eb);
        if (c != 0) return c;
        c = VerCmp(va, vb);
        if (c != 0) return c;
        if (ra is null || rb is null) return ra is null ? (rb is null ? 0 : -1) : 1;
        return VerCmp(ra, rb);
    }

    /// <summary>rpm's <c>rpmvercmp</c> on two version (or release) strings: -1, 0 or 1. Exposed for tests.</summary>
    internal static int VerCmp(string a, string b)
    {
        if (a == b) return 0;
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && !IsAlnum(a[i]) && a[i] is not ('~' or '^')) i++;
            while (j < b.Length && !IsAlnum(b[j]) && b[j] is not ('~' or '^')) j++;
            var ca = i < a.Length ? a[i] : '\0';
            var cb = j < b.Length ? b[j] : '\0';

            // '~' sorts before everything else, the end included.
            if (ca == '~' || cb == '~')
            {
                if (ca != '~') return 1;
                if (cb != '~') return -1;
                i++;
                j++;
                continue;
            }
            // '^' is like '~', except that the end of the other string (the base version) sorts before it.
            if (ca == '^' || cb == '^')
            {
                if (ca == '\0') return -1;
                if (cb == '\0') return 1;
                if (ca != '^') return 1;
                if (cb != '^') return -1;
                i++;
                j++;
                continue;
            }
            if (ca == '\0' || cb == '\0') break;

            int ei = i, ej = j;
            bool isNum = IsDigit(ca);
            if (isNum)
            {
                while (ei < a.Length && IsDigit(a[ei])) ei++;
                while (ej < b.Length && IsDigit(b[ej])) ej++;
            }
            else
            {
                while (ei < a.Length && IsAlpha(a[ei])) ei++;
                while (ej < b.Length && IsAlpha(b[ej])) ej++;
            }
            // Different kinds of segment: the digits are newer.
            if (ej == j) return isNum ? 1 : -1;

            var x = a.AsSpan(i, ei - i);
            var y = b.AsSpan(j, ej - j);
            if (isNum)
            {
                x = x.TrimStart('0');
                y = y.TrimStart('0');
                if (x.Length != y.Length) return x.Length > y.Length ? 1 : -1;
            }
            var rc = x.SequenceCompareTo(y);
            if (rc != 0) return rc < 0 ? -1 : 1;
            i = ei;
            j = ej;
        }
        // Equal segments but different separators: equal; otherwise what has something left is newer.
        if (i >= a.Length && j >= b.Length) return 0;
        return i >= a.Length ? -1 : 1;
    }

    private static bool IsDigit(char c) => c is >= '0' and <= '9';
    private static bool IsAlpha(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
    private static bool IsAlnum(char c) => IsDigit(c) || IsAlpha(c);
    private static bool IsVerRelChar(char c) => IsAlnum(c) || c is '.' or '_' or '+' or '~' or '^';

    private static bool TryParse(string? evr, out string epoch, out string version, out string? release)
    {
        epoch = "0";
        version = "";
        release = null;
        if (string.IsNullOrEmpty(evr) || evr.Length > MaxLength) return false;
        var s = 0;
        while (s < evr.Length && IsDigit(evr[s])) s++;
        var hyphen = evr.LastIndexOf('-');
        if (hyphen < s) hyphen = -1; // parseEVR looks for the hyphen after the epoch digits only
        var vStart = 0;
        if (s < evr.Length && evr[s] == ':')
        {
            if (s > 0) epoch = evr[..s];
            vStart = s + 1;
        }
        var vEnd = hyphen >= 0 ? hyphen : evr.Length;
        if (vEnd <= vStart) return false;
        version = evr[vStart..vEnd];
        if (hyphen >= 0)
        {
            release = evr[(hyphen + 1)..];
            if (release.Length == 0) return false;
        }
        foreach (var c in version) if (!IsVerRelChar(c)) return false;
        if (release is not null) foreach (var c in release) if (!IsVerRelChar(c)) return false;
        return true;
    }
}
