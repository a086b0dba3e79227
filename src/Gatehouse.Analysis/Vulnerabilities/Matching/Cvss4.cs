namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// CVSS v4.0 scoring (specification section 8): the vector's MacroVector (EQ1..EQ6) gives a score from the lookup table;
/// the vector's severity distance from the MacroVector's highest vectors, as a share of the MacroVector's depth, moves the
/// score towards the next lower MacroVector's, averaged over the EQs that have one; rounded half up to one decimal.
/// </summary>
internal static class Cvss4
{
    private static readonly string[] Mandatory = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];

    private static readonly Dictionary<string, string> Allowed = new(StringComparer.Ordinal)
    {
        ["AV"] = "NALP", ["AC"] = "LH", ["AT"] = "NP", ["PR"] = "NLH", ["UI"] = "NPA",
        ["VC"] = "HLN", ["VI"] = "HLN", ["VA"] = "HLN", ["SC"] = "HLN", ["SI"] = "HLN", ["SA"] = "HLN",
        ["E"] = "XAPU",
        ["CR"] = "XHML", ["IR"] = "XHML", ["AR"] = "XHML",
        ["MAV"] = "XNALP", ["MAC"] = "XLH", ["MAT"] = "XNP", ["MPR"] = "XNLH", ["MUI"] = "XNPA",
        ["MVC"] = "XHLN", ["MVI"] = "XHLN", ["MVA"] = "XHLN", ["MSC"] = "XHLN", ["MSI"] = "XSHLN", ["MSA"] = "XSHLN",
        ["S"] = "XNP", ["AU"] = "XNY", ["R"] = "XAUI", ["V"] = "XDC", ["RE"] = "XLMH", ["U"] = "X",
    };

    // Supplemental "U" (urgency) takes words (Clear, Green, Amber, Red); it never changes the score and is accepted as is.
    private static readonly Dictionary<string, Dictionary<char, double>> Levels = new(StringComparer.Ordinal)
    {
        ["AV"] = new() { ['N'] = 0.0, ['A'] = 0.1, ['L'] = 0.2, ['P'] = 0.3 },
        ["PR"] = new() { ['N'] = 0.0, ['L'] = 0.1, ['H'] = 0.2 },
        ["UI"] = new() { ['N'] = 0.0, ['P'] = 0.1, ['A'] = 0.2 },
        ["AC"] = new() { ['L'] = 0.0, ['H'] = 0.1 },
        ["AT"] = new() { ['N'] = 0.0, ['P'] = 0.1 },
        ["VC"] = new() { ['H'] = 0.0, ['L'] = 0.1, ['N'] = 0.2 },
        ["VI"] = new() { ['H'] = 0.0, ['L'] = 0.1, ['N'] = 0.2 },
        ["VA"] = new() { ['H'] = 0.0, ['L'] = 0.1, ['N'] = 0.2 },
        ["SC"] = new() { ['H'] = 0.1, ['L'] = 0.2, ['N'] = 0.3 },
        ["SI"] = new() { ['S'] = 0.0, ['H'] = 0.1, ['L'] = 0.2, ['N'] = 0.3 },
        ["SA"] = new() { ['S'] = 0.0, ['H'] = 0.1, ['L'] = 0.2, ['N'] = 0.3 },
        ["CR"] = new() { ['H'] = 0.0, ['M'] = 0.1, ['L'] = 0.2 },
        ["IR"] = new() { ['H'] = 0.0, ['M'] = 0.1, ['L'] = 0.2 },
        ["AR"] = new() { ['H'] = 0.0, ['M'] = 0.1, ['L'] = 0.2 },
    };

    // The highest-severity vectors of each EQ level (EQ3 and EQ6 together, by EQ3 then EQ6), from the specification.
    private static readonly string[][] Eq1Max = [["AV:N/PR:N/UI:N"], ["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"], ["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"]];
    private static readonly string[][] Eq2Max = [["AC:L/AT:N"], ["AC:H/AT:N", "AC:L/AT:P"]];
    private static readonly string[][][] Eq3Eq6Max =
    [
        [["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"], ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"]],
        [["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"],
         ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"]],
        [[], ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"]],
    ];
    private static readonly string[][] Eq4Max = [["SC:H/SI:S/SA:S"], ["SC:H/SI:H/SA:H"], ["SC:L/SI:L/SA:L"]];

    // The depth of each MacroVector per EQ (the "max severity" of the reference calculator), in steps of 0.1.
    private static readonly int[] Eq1Depth = [1, 4, 5];
    private static readonly int[] Eq2Depth = [1, 2];
    private static readonly int[][] Eq3Eq6Depth = [[7, 6], [8, 8], [0, 10]];
    private static readonly int[] Eq4Depth = [6, 5, 4];

    private static readonly string[] DistanceMetrics = ["AV", "PR", "UI", "AC", "AT", "VC", "VI", "VA", "SC", "SI", "SA", "CR", "IR", "AR"];

    public static double? Score(Dictionary<string, char> selected)
    {
        foreach (var (name, given) in selected)
            if (!Allowed.TryGetValue(name, out var allowed) || (name != "U" && !allowed.Contains(given, StringComparison.Ordinal))) return null;
        if (!Mandatory.All(selected.ContainsKey)) return null;

        char M(string metric)
        {
            var v = selected.GetValueOrDefault(metric, 'X');
            // Unset threat and security requirements default to the worst case.
            if (metric == "E" && v == 'X') return 'A';
            if (metric is "CR" or "IR" or "AR" && v == 'X') return 'H';
            // Environmental metrics replace the base values they modify.
            if (selected.TryGetValue("M" + metric, out var modified) && modified != 'X') return modified;
            return v;
        }

        if (new[] { "VC", "VI", "VA", "SC", "SI", "SA" }.All(x => M(x) == 'N')) return 0.0;

        int eq1 = M("AV") == 'N' && M("PR") == 'N' && M("UI") == 'N' ? 0
            : (M("AV") == 'N' || M("PR") == 'N' || M("UI") == 'N') && M("AV") != 'P' ? 1 : 2;
        int eq2 = M("AC") == 'L' && M("AT") == 'N' ? 0 : 1;
        int eq3 = M("VC") == 'H' && M("VI") == 'H' ? 0 : M("VC") == 'H' || M("VI") == 'H' || M("VA") == 'H' ? 1 : 2;
        int eq4 = M("MSI") == 'S' || M("MSA") == 'S' ? 0 : M("SC") == 'H' || M("SI") == 'H' || M("SA") == 'H' ? 1 : 2;
        int eq5 = M("E") switch { 'A' => 0, 'P' => 1, _ => 2 };
        int eq6 = (M("CR") == 'H' && M("VC") == 'H') || (M("IR") == 'H' && M("VI") == 'H') || (M("AR") == 'H' && M("VA") == 'H') ? 0 : 1;

        double Lookup(int a, int b, int c, int d, int e, int f) =>
            Cvss4Lookup.Scores.TryGetValue(string.Concat(a, b, c, d, e, f), out var s) ? s : double.NaN;

        var value = Lookup(eq1, eq2, eq3, eq4, eq5, eq6);
        if (double.IsNaN(value)) return null;

        var lowerEq1 = Lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
        var lowerEq2 = Lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
        double lowerEq3Eq6 = (eq3, eq6) switch
        {
            (1, 1) or (0, 1) => Lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6),
            (1, 0) => Lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1),
            // Two lower neighbours: the higher one (NaN compares false, so an existing one wins).
            (0, 0) => Higher(Lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1), Lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6)),
            _ => Lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1),
        };
        var lowerEq4 = Lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
        var lowerEq5 = Lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

        // The first highest vector of the MacroVector that the scored vector does not exceed on any metric.
        var distance = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var a in Eq1Max[eq1])
        foreach (var b in Eq2Max[eq2])
        foreach (var c in Eq3Eq6Max[eq3][eq6])
        foreach (var d in Eq4Max[eq4])
        {
            var max = Parse(a + "/" + b + "/" + c + "/" + d);
            foreach (var metric in DistanceMetrics) distance[metric] = Levels[metric][M(metric)] - Levels[metric][max[metric]];
            if (!distance.Values.Any(x => x < 0)) goto found;
        }
        found:
        var d1 = distance["AV"] + distance["PR"] + distance["UI"];
        var d2 = distance["AC"] + distance["AT"];
        var d36 = distance["VC"] + distance["VI"] + distance["VA"] + distance["CR"] + distance["IR"] + distance["AR"];
        var d4 = distance["SC"] + distance["SI"] + distance["SA"];

        const double step = 0.1;
        var existing = 0;
        var sum = 0.0;
        void Add(double lower, double current, double depth)
        {
            var available = value - lower;
            if (!(available >= 0)) return; // NaN: no lower MacroVector
            existing++;
            sum += depth == 0 ? 0 : available * (current / depth);
        }
        Add(lowerEq1, d1, Eq1Depth[eq1] * step);
        Add(lowerEq2, d2, Eq2Depth[eq2] * step);
        Add(lowerEq3Eq6, d36, Eq3Eq6Depth[eq3][eq6] * step);
        Add(lowerEq4, d4, Eq4Depth[eq4] * step);
        Add(lowerEq5, 0, 1); // EQ5's share is always 0

        if (existing > 0) value -= sum / existing;
        value = Math.Clamp(value, 0.0, 10.0);
        // Half up, with the reference implementation's epsilon so 8.6 - 7.15 = 1.4499999999999993 rounds to 1.5.
        return Math.Round(value + 1e-6, 1, MidpointRounding.AwayFromZero);
    }

    private static double Higher(double a, double b) => a > b ? a : b;

    private static Dictionary<string, char> Parse(string vector) =>
        vector.Split('/').ToDictionary(p => p[..p.IndexOf(':', StringComparison.Ordinal)], p => p[^1], StringComparer.Ordinal);
}
