namespace Gatehouse.Server.Evidence;

/// <summary>
/// A certification or report an organisation keeps on file (ISO 27001 certificate, SOC 2 Type II
/// report, penetration-test letter, …). Never public: only the organisation and staff see it.
/// </summary>
public sealed class EvidenceItem
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>One of <see cref="EvidenceTypes"/>.</summary>
    public required string Type { get; set; }
    public required string Issuer { get; set; }
    /// <summary>What the certificate or report covers (systems, products, locations).</summary>
    public required string Scope { get; set; }
    public DateTimeOffset ValidFrom { get; set; }
    public DateTimeOffset ValidUntil { get; set; }
    public required string BlobDigest { get; set; }
    /// <summary>The uploader's file name (display only).</summary>
    public required string FileName { get; set; }
    public long Size { get; set; }
    /// <summary>The engine's file check of the upload.</summary>
    public Guid? ScanId { get; set; }
    /// <summary>One of <see cref="EvidenceStatus"/>.</summary>
    public required string Status { get; set; }
    public required string UploadedBy { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    public string? ReviewedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public string? ReviewNote { get; set; }
    /// <summary>When the organisation was told that this item is about to expire (once).</summary>
    public DateTimeOffset? ExpiryWarnedAt { get; set; }
    /// <summary>When the organisation was told that this item has expired (once).</summary>
    public DateTimeOffset? ExpiredNotifiedAt { get; set; }
}

/// <summary>
/// Kinds of evidence the policy can ask for: the catalogue's evidence types (what requirements name in
/// <c>verifiedBy.evidence</c>) plus <c>other</c>.
/// </summary>
internal static class EvidenceTypes
{
    public const string Iso27001 = Gatehouse.Analysis.Requirements.EvidenceTypes.Iso27001;
    public const string Soc2Type2 = Gatehouse.Analysis.Requirements.EvidenceTypes.Soc2Type2;
    public const string PenTestLetter = Gatehouse.Analysis.Requirements.EvidenceTypes.PentestLetter;
    public const string Other = "other";
    public static readonly IReadOnlyList<string> All = [.. Gatehouse.Analysis.Requirements.EvidenceTypes.All, Other];
}

/// <summary>Where an evidence item is in its review.</summary>
internal static class EvidenceStatus
{
    /// <summary>The engine's file check is running.</summary>
    public const string Scanning = "scanning";
    /// <summary>The file check found something that blocks (reject or incomplete verdict): not reviewable.</summary>
    public const string Blocked = "blocked";
    public const string PendingReview = "pending-review";
    public const string Verified = "verified";
    public const string Rejected = "rejected";
}
