using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// CVSS scores computed from vectors: v3.0/v3.1 with the FIRST specification's base formula and its Roundup (v3.0:
/// ceiling to one decimal; v3.1: the integer form that avoids floating-point surprises), v4.0 with the specification's
/// MacroVector lookup table and its interpolation by severity distance (the reference calculator's algorithm, re-done in
/// C#; the table is <see cref="Cvss4Lookup"/>). v3 vectors are scored on their base metrics only; a v4 vector is scored
/// on the metrics it carries (threat and environmental ones included, as the v4 calculator does). Pure, never throws.
/// </summary>
public static class Cvss
{
    /// <summary>Longer vectors are refused unread (the longest valid v4 vector is about 200 characters).</summary>
    public const int MaxVectorLength = 512;

    /// <summary>
    /// Parses <paramref name="vector"/> (<c>CVSS:3.1/AV:N/...</c>, <c>CVSS:3.0/...</c> or <c>CVSS:4.0/...</c>) and computes
    /// its score. False when the vector is not a complete, valid vector of a supported version (a missing base metric, an
    /// unknown metric or value, a metric given twice).
    /// </summary>
    public static bool TryParse(string vector, [NotNullWhen(true)] out CvssScore? score)
    {
        score = null;
        if (string.IsNullOrEmpty(vector) || vector.Length > MaxVectorLength) return false;
        var parts = vector.Split('/');
        var version = parts[0] switch
        {
            "CVSS:3.0" => "3.0",
            "CVSS:3.1" => "3.1",
            "CVSS:4.0" => "4.0",
            _ => null,
        };
        if (version is null) return false;
        var metrics = new Dictionary<string, char>(StringComparer.Ordinal);
        for (var i = 1; i < parts.Length; i++)
        {
            var p = parts[i];
            var colon = p.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == p.Length - 1) return false;
            var name = p[..colon];
            var value = p[(colon + 1)..];
            // v4's supplemental Urgency takes words; it never changes the score.
            if (version == "4.0" && name == "U" && value is "X" or "Clear" or "Green" or "Amber" or "Red") value = "X";
            if (value.Length != 1 || !metrics.TryAdd(name, value[0])) return false;
        }
        double? computed = version == "4.0" ? Cvss4.Score(metrics) : Cvss3.BaseScore(metrics, version == "3.1");
        if (computed is null) return false;
        score = new CvssScore(vector, version, computed.Value);
        return true;
    }

    /// <summary>The CVSS qualitative rating of a score, as Gatehouse's severity: critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low &gt; 0, else info.</summary>
    public static Pipeline.Severity SeverityOf(double score) => score switch
    {
        >= 9.0 => Pipeline.Severity.Critical,
        >= 7.0 => Pipeline.Severity.High,
        >= 4.0 => Pipeline.Severity.Medium,
        > 0 => Pipeline.Severity.Low,
        _ => Pipeline.Severity.Info,
    };

    /// <summary>The score as CVSS writes it: one decimal, invariant culture.</summary>
    public static string Format(double score) => score.ToString("0.0", CultureInfo.InvariantCulture);
}
