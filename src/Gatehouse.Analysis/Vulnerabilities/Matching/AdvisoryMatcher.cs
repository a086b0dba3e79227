using System.Text.Json;
using Gatehouse.Analysis.Pipeline;
using Gatehouse.Analysis.Vulnerabilities.Osv;
using Gatehouse.Analysis.Vulnerabilities.Packages;
using Gatehouse.Analysis.Vulnerabilities.Versions;

namespace Gatehouse.Analysis.Vulnerabilities.Matching;

/// <summary>
/// Decides one (advisory, package) pair and builds the match: the record's entries for the package (compared by
/// <see cref="AdvisoryEcosystems.Key"/>, so PyPI names meet whatever their spelling) evaluated by
/// <see cref="OsvRangeEvaluator"/> with the ecosystem's scheme; Affected wins over Unknown (an uncertain match) over
/// NotAffected. OS packages are matched by their source package and its version, which is what distributions name.
/// </summary>
public static class AdvisoryMatcher
{
    private static readonly IVersionScheme Unknown = new NoVersionScheme();

    /// <summary>The match, or null when the record does not affect the package (or is withdrawn).</summary>
    public static AdvisoryMatch? Evaluate(OsvRecord record, CatalogedPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return Evaluate(record, package, AdvisoryEcosystems.Key(package.Ecosystem, package.SourceName ?? package.Name));
    }

    internal static AdvisoryMatch? Evaluate(OsvRecord record, CatalogedPackage package, (string Ecosystem, string Name) key) =>
        Evaluate(record, package, key, AdvisoryEcosystems.SchemeFor(package.Ecosystem));

    internal static AdvisoryMatch? Evaluate(OsvRecord record, CatalogedPackage package, (string Ecosystem, string Name) key, IVersionScheme? known)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Withdrawn is not null) return null;
        var version = package.SourceVersion ?? package.Version;
        // go.mod writes v1.2.3, OSV's Go records 1.2.3: their SEMVER ranges are read by strict SemVer 2.0.0.
        if (AdvisoryEcosystems.Base(package.Ecosystem) == "Go" && version.Length > 1 && version[0] == 'v' && char.IsAsciiDigit(version[1]))
            version = version[1..];
        var scheme = known ?? Unknown;
        var result = OsvAffectedness.NotAffected;
        var fixes = new List<string>();
        OsvAffected? first = null;
        foreach (var affected in record.Affected)
        {
            if (affected.Package is not { } p || AdvisoryEcosystems.Key(p.Ecosystem, p.Name) != key) continue;
            var one = OsvRangeEvaluator.Affects(affected, version, scheme);
            if (one == OsvAffectedness.NotAffected) continue;
            first ??= affected;
            if (one == OsvAffectedness.Affected) result = OsvAffectedness.Affected;
            else if (result == OsvAffectedness.NotAffected) result = OsvAffectedness.Unknown;
            foreach (var range in affected.Ranges)
                foreach (var e in range.Events)
                    if (e.Fixed is { Length: > 0 } f && !fixes.Contains(f, StringComparer.Ordinal)) fixes.Add(f);
        }
        if (result == OsvAffectedness.NotAffected) return null;

        // The ecosystem's order when every fixed version is valid in it (a comparer must be consistent), else ordinal.
        if (fixes.TrueForAll(scheme.IsValid)) fixes.Sort((a, b) => scheme.Compare(a, b) ?? 0);
        else fixes.Sort(StringComparer.Ordinal);
        var (severity, cvss) = SeverityOf(record, first);
        var aliases = record.Aliases.Where(a => a.StartsWith("CVE-", StringComparison.Ordinal))
            .Concat(record.Aliases.Where(a => !a.StartsWith("CVE-", StringComparison.Ordinal)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new AdvisoryMatch(package, record.Id, aliases, record.Summary, severity, cvss, fixes, record.Modified)
        {
            Uncertain = result == OsvAffectedness.Unknown,
        };
    }

    /// <summary>
    /// The severity of a record for one of its entries: from the CVSS score when there is a vector Gatehouse can score
    /// (the entry's own before the record's; the newest CVSS version first), else from the publishing database's rating
    /// (<c>database_specific.severity</c>: GitHub's CRITICAL/HIGH/MODERATE/LOW), else medium.
    /// </summary>
    public static (Severity Severity, CvssScore? Cvss) SeverityOf(OsvRecord record, OsvAffected? affected)
    {
        ArgumentNullException.ThrowIfNull(record);
        var candidates = (affected?.Severity ?? []).Concat(record.Severity)
            .Select((s, i) => (s, i))
            .Where(x => x.s.Type is "CVSS_V4" or "CVSS_V3" && x.s.Score is not null)
            .OrderByDescending(x => x.s.Type == "CVSS_V4")
            .ThenBy(x => x.i);
        foreach (var (s, _) in candidates)
            if (Cvss.TryParse(s.Score!, out var score)) return (Cvss.SeverityOf(score.BaseScore), score);
        return (RatingOf(record.DatabaseSpecific) ?? RatingOf(affected?.DatabaseSpecific) ?? Severity.Medium, null);
    }

    private static Severity? RatingOf(JsonElement? specific)
    {
        if (specific is not { ValueKind: JsonValueKind.Object } o
            || !o.TryGetProperty("severity", out var s) || s.ValueKind != JsonValueKind.String) return null;
        return s.GetString()?.ToUpperInvariant() switch
        {
            "CRITICAL" => Severity.Critical,
            "HIGH" or "IMPORTANT" => Severity.High,
            "MODERATE" or "MEDIUM" => Severity.Medium,
            "LOW" or "NEGLIGIBLE" or "UNIMPORTANT" => Severity.Low,
            _ => null,
        };
    }

    // For ecosystems without a scheme: nothing is comparable, so ECOSYSTEM ranges come out Unknown and only an exact
    // entry of a versions list matches.
    private sealed class NoVersionScheme : IVersionScheme
    {
        public string Ecosystem => "";

        public bool IsValid(string version) => false;

        public int? Compare(string a, string b) => null;
    }
}
