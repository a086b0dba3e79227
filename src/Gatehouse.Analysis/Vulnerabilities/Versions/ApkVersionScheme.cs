namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// Alpine package versions, ordered as apk-tools orders them (src/version.c, <c>apk_version_validate</c> and
/// <c>apk_version_compare</c>): <c>digit{.digit}...{letter}{_suffix{number}}...{~hash}{-r#}</c>. Numbers compare
/// numerically, except that a dotted component with a leading zero compares as a string (the Gentoo rule); one lower-case
/// letter; suffixes order <c>_alpha &lt; _beta &lt; _pre &lt; _rc &lt;</c> (none) <c>&lt; _cvs &lt; _svn &lt; _git &lt; _hg
/// &lt; _p</c>; a <c>~hash</c> (lower-case hex) compares as a string; <c>-rN</c> is the package revision. Serves OSV's
/// <c>Alpine</c> ecosystem (OSV suffixes the release, e.g. <c>Alpine:v3.20</c>; the caller strips it).
/// </summary>
/// <remarks>
/// Validity is apk-tools' grammar exactly; unlike apk, which falls back to a string sort for an invalid version, this
/// scheme returns null for it. Numbers are compared as digit strings, so they never overflow (apk reads them into 64
/// bits, so the two differ only on numbers of 20 digits and more). Longer than <see cref="MaxLength"/> is invalid.
/// Tested against apk-tools' own test vectors, copied into
/// tests/Gatehouse.Analysis.Tests/Vulnerabilities/Versions/data/apk-version.data (its header names the commit).
/// </remarks>
public sealed class ApkVersionScheme : IVersionScheme
{
    /// <summary>Versions longer than this are rejected as invalid, bounding the work per call.</summary>
    public const int MaxLength = 256;

    /// <summary>The one instance (the scheme has no state).</summary>
    public static ApkVersionScheme Instance { get; } = new();

    /// <summary>The OSV ecosystems whose versions are apk versions.</summary>
    public static IReadOnlyList<string> Ecosystems { get; } = ["Alpine"];

    private ApkVersionScheme() { }

    /// <inheritdoc />
    public string Ecosystem => "Alpine";

    // Token kinds in apk-tools' order; the order matters (grammar checks and the end-of-version rule use it).
    private enum Kind { InitialDigit, Digit, Letter, Suffix, SuffixNo, CommitHash, RevisionNo, End, Invalid }

    // Suffix ranks: pre-release suffixes sort below None, post-release ones above.
    private const int SuffixNone = 4;
    private static readonly string[] Suffixes = ["alpha", "beta", "pre", "rc", "", "cvs", "svn", "git", "hg", "p"];

    private struct Tokenizer(string s)
    {
        private int _pos;
        public Kind Kind;
        public int Suffix;
        public int Start, Length; // the token's text in s

        public void First() { Kind = Kind.InitialDigit; Digits(); }

        private void Digits()
        {
            Start = _pos;
            while (_pos < s.Length && s[_pos] is >= '0' and <= '9') _pos++;
            Length = _pos - Start;
            if (Length == 0) Kind = Kind.Invalid;
        }

        public void Next()
        {
            if (_pos >= s.Length) { Kind = Kind.End; return; }
            var c = s[_pos];
            switch (c)
            {
                case >= 'a' and <= 'z':
                    if (Kind > Kind.Digit) { Kind = Kind.Invalid; return; }
                    Start = _pos++;
                    Length = 1;
                    Kind = Kind.Letter;
                    return;
                case '.' or (>= '0' and <= '9'):
                    if (c == '.')
                    {
                        if (Kind > Kind.Digit) { Kind = Kind.Invalid; return; }
                        _pos++;
                    }
                    if (Kind is Kind.InitialDigit or Kind.Digit) Kind = Kind.Digit;
                    else if (Kind == Kind.Suffix) Kind = Kind.SuffixNo;
                    else { Kind = Kind.Invalid; return; }
                    Digits();
                    return;
                case '_':
                    if (Kind > Kind.SuffixNo) { Kind = Kind.Invalid; return; }
                    Start = ++_pos;
                    while (_pos < s.Length && s[_pos] is >= 'a' and <= 'z') _pos++;
                    Length = _pos - Start;
                    Suffix = Array.IndexOf(Suffixes, s.Substring(Start, Length));
                    Kind = Length == 0 || Suffix < 0 ? Kind.Invalid : Kind.Suffix;
                    return;
                case '~':
                    if (Kind >= Kind.CommitHash) { Kind = Kind.Invalid; return; }
                    Start = ++_pos;
                    while (_pos < s.Length && s[_pos] is (>= '0' and <= '9') or (>= 'a' and <= 'f')) _pos++;
                    Length = _pos - Start;
                    Kind = Length == 0 ? Kind.Invalid : Kind.CommitHash;
                    return;
                case '-':
                    if (Kind >= Kind.RevisionNo || _pos + 1 >= s.Length || s[_pos + 1] != 'r') { Kind = Kind.Invalid; return; }
                    _pos += 2;
                    Kind = Kind.RevisionNo;
                    Digits();
                    return;
                default:
                    Kind = Kind.Invalid;
                    return;
            }
        }
    }

    /// <inheritdoc />
    public bool IsValid(string version)
    {
        if (version is null || version.Length > MaxLength) return false;
        var t = new Tokenizer(version);
        for (t.First(); t.Kind < Kind.End; t.Next()) { }
        return t.Kind == Kind.End;
    }

    /// <inheritdoc />
    public int? Compare(string a, string b)
    {
        if (!IsValid(a) || !IsValid(b)) return null;
        var ta = new Tokenizer(a);
        var tb = new Tokenizer(b);
        for (ta.First(), tb.First(); ta.Kind == tb.Kind && ta.Kind < Kind.End; ta.Next(), tb.Next())
        {
            var r = CompareTokens(a, ref ta, b, ref tb);
            if (r != 0) return r;
        }
        if (ta.Kind == tb.Kind) return 0;
        // Equal so far: the longer version is greater, unless what it has more is a pre-release suffix.
        if (ta.Kind == Kind.Suffix && ta.Suffix < SuffixNone) return -1;
        if (tb.Kind == Kind.Suffix && tb.Suffix < SuffixNone) return 1;
        return ta.Kind > tb.Kind ? -1 : 1;
    }

    private static int CompareTokens(string a, ref Tokenizer ta, string b, ref Tokenizer tb)
    {
        var x = a.AsSpan(ta.Start, ta.Length);
        var y = b.AsSpan(tb.Start, tb.Length);
        switch (ta.Kind)
        {
            case Kind.Digit when x[0] == '0' || y[0] == '0':
            case Kind.CommitHash:
                return Math.Sign(x.SequenceCompareTo(y));
            case Kind.Digit or Kind.InitialDigit or Kind.SuffixNo or Kind.RevisionNo:
                return CompareNumbers(x, y);
            case Kind.Letter:
                return x[0].CompareTo(y[0]);
            case Kind.Suffix:
                return ta.Suffix.CompareTo(tb.Suffix);
            default:
                return 0;
        }
    }

    // Numeric order of two digit strings of any length.
    private static int CompareNumbers(ReadOnlySpan<char> x, ReadOnlySpan<char> y)
    {
        x = x.TrimStart('0');
        y = y.TrimStart('0');
        if (x.Length != y.Length) return x.Length < y.Length ? -1 : 1;
        return Math.Sign(x.SequenceCompareTo(y));
    }
}
