using System.Text.Json.Serialization;
using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Verdicts;

/// <summary>The gate's answer for one artifact.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    /// <summary>Nothing blocks; it may go on to human review as policy says.</summary>
    Pass,
    /// <summary>Needs a reviewer's judgement (medium findings by default).</summary>
    Review,
    /// <summary>Blocked (critical or high findings by default).</summary>
    Reject,
    /// <summary>A check could not run (engine down, timeout, analyzer failure, limit hit): never a pass.</summary>
    Incomplete,
}

/// <summary>How one analyzer fared: <c>ok</c>, <c>failed</c> (its exception) or <c>unavailable</c> (engine down).</summary>
public sealed record AnalyzerRun(string Id, string Version, string Status, string? Error = null);

/// <summary>What was scanned.</summary>
public sealed record ArtifactInfo(string Name, string Sha256, long Size, string Type, string? DetectedType);

/// <summary>Counts for the report.</summary>
public sealed record ScanStats(int Files, long Bytes, int MaxDepth, long DurationMs, IReadOnlyDictionary<string, int> FindingsBySeverity)
{
    /// <summary><see cref="FindingsBySeverity"/>: every severity by its lower-case name, with zeros.</summary>
    public static IReadOnlyDictionary<string, int> CountBySeverity(IReadOnlyCollection<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return Enum.GetValues<Severity>().ToDictionary(s => s.ToString().ToLowerInvariant(), s => findings.Count(f => f.Severity == s));
    }
}

/// <summary>
/// The report, identical from the server and from <c>gatehouse check</c> (gate parity). Its JSON form is
/// documented by <c>docs/report-schema.json</c>; <see cref="SchemaVersion"/> changes when it does.
/// </summary>
public sealed record ScanReport(
    string SchemaVersion,
    string Tool,
    string ToolVersion,
    ArtifactInfo Artifact,
    Verdict Verdict,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<AnalyzerRun> Analyzers,
    ScanStats Stats)
{
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>
    /// Findings in the report's order (most severe first, then path, rule, line, fingerprint), one per fingerprint: the
    /// pipeline's, and that of every report the server puts together from stored findings (an SBOM re-match).
    /// </summary>
    public static IReadOnlyList<Finding> Order(IEnumerable<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return findings
            .OrderByDescending(f => f.Severity).ThenBy(f => f.Path, StringComparer.Ordinal).ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ThenBy(f => f.Line ?? 0).ThenBy(f => f.Fingerprint, StringComparer.Ordinal)
            .DistinctBy(f => f.Fingerprint)
            .ToList();
    }

    /// <summary>
    /// The packages the scan found (issue 16), for the SBOM and for re-matching later; not part of the report's JSON
    /// (the SBOM is its own document, CycloneDX).
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<Vulnerabilities.Packages.CatalogedPackage> Packages { get; init; } = [];

    /// <summary>The container image the scan read (issue 17): manifest digest, platform, layers, config summary; null for other artifacts.</summary>
    public Images.ImageSummary? Image { get; init; }

    /// <summary>The smoke test of a container image (issue 17), when one ran; null otherwise.</summary>
    public Images.Smoke.SmokeResult? Smoke { get; init; }

    /// <summary>The Helm chart the scan read (issue 18): identity, renders per values file, objects, images; null for other artifacts.</summary>
    public Charts.ChartSummary? Chart { get; init; }
}
