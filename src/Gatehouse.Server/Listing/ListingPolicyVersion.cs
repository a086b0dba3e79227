namespace Gatehouse.Server.Listing;

/// <summary>
/// One version of the listing policy (tiers, what each requires, what blocks, rescan cadence), as JSON.
/// Immutable: a change is a new version; versions record which one judged them.
/// </summary>
public sealed class ListingPolicyVersion
{
    public int Version { get; set; }
    public required string Json { get; set; }
    public required string Sha256 { get; set; }
    /// <summary><c>file</c> (loaded at start-up) or <c>api</c>.</summary>
    public required string Source { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A requirement of the catalogue as it was at one version, kept forever so that an old report can be
/// read against the text it was judged by.
/// </summary>
public sealed class RequirementSnapshot
{
    public required string RequirementId { get; set; }
    public int Version { get; set; }
    public required string Digest { get; set; }
    public required string Json { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
}
