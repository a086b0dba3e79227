namespace Gatehouse.Analysis.Vulnerabilities.Versions;

/// <summary>
/// Small helpers the language-ecosystem version schemes share: a length cap (bounded work on hostile text) and
/// comparison of arbitrarily long digit runs as numbers without overflow.
/// </summary>
internal static class LanguageVersionText
{
    /// <summary>Longer version strings are rejected as invalid: real versions are far shorter, and this bounds the work.</summary>
    public const int MaxLength = 256;

    /// <summary>Compares two runs of ASCII digits as non-negative integers of any size (leading zeros ignored).</summary>
    public static int CompareDigits(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        a = a.TrimStart('0');
        b = b.TrimStart('0');
        if (a.Length != b.Length)
        {
            return a.Length < b.Length ? -1 : 1;
        }
        return Math.Sign(a.SequenceCompareTo(b));
    }

    /// <summary>Whether <paramref name="s"/> is non-empty and only ASCII digits.</summary>
    public static bool IsDigits(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }
}
