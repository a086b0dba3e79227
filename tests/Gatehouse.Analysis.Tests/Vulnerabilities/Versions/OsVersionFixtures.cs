using System.Runtime.CompilerServices;

namespace Gatehouse.Analysis.Tests.Vulnerabilities.Versions;

/// <summary>Reads the tab-separated version-pair fixtures in data/ (a, b, expected sign or "invalid"; '#' starts a comment).</summary>
internal static class OsVersionFixtures
{
    public static string DataDir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "data");

    public static IReadOnlyList<(int Line, string A, string B, string Expected)> Pairs(string file)
    {
        var rows = new List<(int, string, string, string)>();
        var lines = File.ReadAllLines(Path.Combine(DataDir(), file));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || lines[i].StartsWith('#')) continue;
            var f = lines[i].Split('\t');
            if (f.Length != 3) throw new InvalidDataException($"{file}:{i + 1}: expected 3 tab-separated fields");
            rows.Add((i + 1, f[0], f[1], f[2]));
        }
        return rows;
    }

    /// <summary>Checks every pair both ways round; returns the mismatches, one line each, so a failure lists them all.</summary>
    public static List<string> Mismatches(Gatehouse.Analysis.Vulnerabilities.Versions.IVersionScheme scheme, string file)
    {
        var bad = new List<string>();
        foreach (var (line, a, b, expected) in Pairs(file))
        {
            int? want = expected == "invalid" ? null : int.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
            var got = scheme.Compare(a, b);
            var back = scheme.Compare(b, a);
            if (Sign(got) != want || Sign(back) != -want)
                bad.Add($"{file}:{line}: '{a}' vs '{b}': expected {expected}, got {Show(got)} (reversed {Show(back)})");
        }
        return bad;
    }

    private static int? Sign(int? v) => v is { } x ? Math.Sign(x) : null;
    private static string Show(int? v) => v is { } x ? Math.Sign(x).ToString(System.Globalization.CultureInfo.InvariantCulture) : "null";
}
