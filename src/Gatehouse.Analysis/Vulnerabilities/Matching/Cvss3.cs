namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>CVSS v3.0/v3.1 base score (specification section 7.1 and Appendix A's Roundup).</summary>
internal static class Cvss3
{
    private static readonly HashSet<string> Base = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

    // Temporal and environmental metrics may follow the base ones; they are validated but do not change the base score.
    private static readonly Dictionary<string, string> Optional = new(StringComparer.Ordinal)
    {
        ["E"] = "XUPFH", ["RL"] = "XOTWU", ["RC"] = "XURC",
        ["CR"] = "XLMH", ["IR"] = "XLMH", ["AR"] = "XLMH",
        ["MAV"] = "XNALP", ["MAC"] = "XLH", ["MPR"] = "XNLH", ["MUI"] = "XNR", ["MS"] = "XUC",
        ["MC"] = "XNLH", ["MI"] = "XNLH", ["MA"] = "XNLH",
    };

    public static double? BaseScore(Dictionary<string, char> m, bool v31)
    {
        foreach (var (name, value) in m)
        {
            if (Base.Contains(name)) continue;
            if (!Optional.TryGetValue(name, out var allowed) || !allowed.Contains(value, StringComparison.Ordinal)) return null;
        }
        if (!Base.All(m.ContainsKey)) return null;
        bool? changed = m["S"] switch { 'U' => false, 'C' => true, _ => null };
        double? av = m["AV"] switch { 'N' => 0.85, 'A' => 0.62, 'L' => 0.55, 'P' => 0.2, _ => null };
        double? ac = m["AC"] switch { 'L' => 0.77, 'H' => 0.44, _ => null };
        double? pr = m["PR"] switch { 'N' => 0.85, 'L' => changed == true ? 0.68 : 0.62, 'H' => changed == true ? 0.5 : 0.27, _ => null };
        double? ui = m["UI"] switch { 'N' => 0.85, 'R' => 0.62, _ => null };
        double? c = Cia(m["C"]), i = Cia(m["I"]), a = Cia(m["A"]);
        if (changed is null || av is null || ac is null || pr is null || ui is null || c is null || i is null || a is null) return null;

        var iss = 1 - ((1 - c.Value) * (1 - i.Value) * (1 - a.Value));
        var impact = changed.Value ? (7.52 * (iss - 0.029)) - (3.25 * Math.Pow(iss - 0.02, 15)) : 6.42 * iss;
        var exploitability = 8.22 * av.Value * ac.Value * pr.Value * ui.Value;
        if (impact <= 0) return 0;
        var raw = changed.Value ? Math.Min(1.08 * (impact + exploitability), 10) : Math.Min(impact + exploitability, 10);
        return v31 ? Roundup31(raw) : Math.Ceiling(raw * 10) / 10;
    }

    private static double? Cia(char v) => v switch { 'H' => 0.56, 'L' => 0.22, 'N' => 0, _ => null };

    // v3.1 Appendix A: round to 5 decimals as an integer first, so 4.000000001 is 4.0 and not 4.1.
    private static double Roundup31(double x)
    {
        var n = (long)Math.Round(x * 100000);
        return n % 10000 == 0 ? n / 100000.0 : (Math.Floor(n / 10000.0) + 1) / 10.0;
    }
}
