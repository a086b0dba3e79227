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
public sealed record ScanStats(int Files, long Bytes, int MaxDepth, long DurationMs, IReadOnlyDictionary<string, int> FindingsBySeverity);

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
    /// The packages the scan found (issue 16), for the SBOM and for re-matching later; not part of the report's JSON
    /// (the SBOM is its own document, CycloneDX).
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<Vulnerabilities.Packages.CatalogedPackage> Packages { get; init; } = [];
}
