using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Tests.Vulnerabilities;

/// <summary>
/// A tiny stand-in for an ecosystem's scheme in the OSV evaluation tests: dot-separated decimal numbers, missing parts are
/// zero ("2.4" == "2.4.0"), anything else invalid. The real ecosystems' schemes are tested on their own.
/// </summary>
internal sealed class DottedNumericTestScheme : IVersionScheme
{
    public static DottedNumericTestScheme Instance { get; } = new();

    public string Ecosystem => "test";

    public bool IsValid(string version) => Parse(version) is not null;

    public int? Compare(string a, string b)
    {
        var x = Parse(a);
        var y = Parse(b);
        if (x is null || y is null) return null;
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
            if (c != 0) return Math.Sign(c);
        }
        return 0;
    }

    private static int[]? Parse(string? v)
    {
        if (string.IsNullOrEmpty(v) || v.Length > 64) return null;
        var parts = v.Split('.');
        var result = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Length is 0 or > 9 || !parts[i].All(char.IsAsciiDigit)) return null;
            result[i] = int.Parse(parts[i], System.Globalization.CultureInfo.InvariantCulture);
        }
        return result;
    }
}
