using Gatehouse.Analysis.Verdicts;

namespace Gatehouse.Server.Scanning;

/// <summary>
/// One run of the analysis engine over one uploaded artifact. The lifecycle (apps, versions, review)
/// builds on this: a version's submission creates a scan, and every rescan is a new one.
/// </summary>
public sealed class Scan
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    public required string SubmittedBy { get; set; }
    /// <summary>Blob digest of the artifact (<c>sha256:…</c>); empty for probes, which have no blob.</summary>
    public required string BlobDigest { get; set; }
    public long Size { get; set; }
    /// <summary>The name the uploader gave (display only; never used as a path).</summary>
    public required string FileName { get; set; }
    /// <summary>
    /// Endpoint probes (<c>ArtifactType</c> <c>probe</c>): the base URL probed; there is no blob. Container images submitted by
    /// reference: the image reference the scan pulls (its blob is empty until then).
    /// </summary>
    public string? Target { get; set; }
    /// <summary><c>downloadable</c>, <c>web</c>, <c>container</c>, <c>chart</c>, <c>probe</c> (an endpoint probe of <see cref="Target"/>), or <c>sbom</c> (a re-match of the stored SBOM <see cref="BlobDigest"/>).</summary>
    public required string ArtifactType { get; set; }
    /// <summary>Which runner runs it, from <see cref="ArtifactType"/> (not a column of its own).</summary>
    public ScanKind Kind => ArtifactType switch
    {
        Probes.ProbeReports.ArtifactType => ScanKind.Probe,
        SbomScanRunner.ArtifactType => ScanKind.Sbom,
        Images.ImageScanRunner.ArtifactType => ScanKind.Image,
        Charts.ChartScanRunner.ArtifactType => ScanKind.Chart,
        _ => ScanKind.File,
    };
    public ScanState State { get; set; }
    /// <summary>The engine's verdict once done (stored as <c>pass</c>, <c>review</c>, <c>reject</c> or <c>incomplete</c>: <see cref="VerdictNames"/>).</summary>
    public Verdict? Verdict { get; set; }
    /// <summary>The engine's report, exactly as <c>gatehouse check --format json</c> prints it.</summary>
    public string? ReportJson { get; set; }
    public string? Error { get; set; }
    /// <summary>Why it ran: <see cref="ScanPurposes"/>.</summary>
    public string Purpose { get; set; } = ScanPurposes.Adhoc;
    /// <summary>What it belongs to: the app version (submission, rescan) or the evidence item.</summary>
    public Guid? SubjectId { get; set; }
    /// <summary>Listing policy version whose analysis section judged it (null: the server's engine policy).</summary>
    public int? PolicyVersion { get; set; }
    public Guid? WorkItemId { get; set; }
    /// <summary>
    /// The CycloneDX 1.6 SBOM of the packages the scan found (blob digest), written with its results; null for scans
    /// that catalog nothing (probes) and for scans older than SBOMs. A version's SBOM is its current scan's (docs/sbom.md).
    /// </summary>
    public string? SbomBlob { get; set; }
    /// <summary>The SBOM the vendor submitted with the version (blob digest), compared with what the scan found; null without one.</summary>
    public string? DeclaredSbomBlob { get; set; }
    /// <summary>
    /// SBOM re-matches (<see cref="ScanKind.Sbom"/>): the scan whose SBOM (<see cref="BlobDigest"/>) is matched again and
    /// whose other findings it carries over; null for every other scan.
    /// </summary>
    public Guid? BasedOnScanId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public List<ScanFinding> Findings { get; set; } = [];
}

/// <summary>Why a scan ran; its completion is handed to the owner of the purpose.</summary>
internal static class ScanPurposes
{
    /// <summary>Uploaded through <c>/api/orgs/{org}/scans</c>, belongs to nothing.</summary>
    public const string Adhoc = "adhoc";
    /// <summary>A version's submission (or a retry after an incomplete scan).</summary>
    public const string Submission = "submission";
    /// <summary>A published version, scanned again on the policy's cadence.</summary>
    public const string Rescan = "rescan";
    /// <summary>An evidence upload's file check.</summary>
    public const string Evidence = "evidence";
    /// <summary>A published web integration's daily endpoint probe (docs/probe.md); its submission probe is a <see cref="Submission"/>.</summary>
    public const string Probe = "probe";
}

/// <summary>Where a scan is.</summary>
public enum ScanState
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>A finding of a scan, stored for queries, suppressions (by fingerprint) and diffs between versions.</summary>
public sealed class ScanFinding
{
    public long Id { get; set; }
    public Guid ScanId { get; set; }
    public required string RuleId { get; set; }
    public required string Severity { get; set; }
    public required string Path { get; set; }
    public required string Message { get; set; }
    public required string Fingerprint { get; set; }
    public string? RequirementId { get; set; }
    public required string AnalyzerId { get; set; }
    public string? Evidence { get; set; }
    public int? Line { get; set; }
    public Scan? Scan { get; set; }

    /// <summary>
    /// The engine's finding this row stores, to be judged again (after suppressions, in an SBOM re-match); a severity the
    /// engine does not know counts as critical (fail closed).
    /// </summary>
    public Gatehouse.Analysis.Pipeline.Finding ToFinding() =>
        new(RuleId, Enum.TryParse<Gatehouse.Analysis.Pipeline.Severity>(Severity, ignoreCase: true, out var severity) ? severity : Gatehouse.Analysis.Pipeline.Severity.Critical,
            Path, Message, Fingerprint)
        {
            RequirementId = RequirementId, AnalyzerId = AnalyzerId, Evidence = Evidence, Line = Line,
        };
}
