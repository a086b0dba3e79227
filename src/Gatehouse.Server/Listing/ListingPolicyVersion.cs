using Microsoft.EntityFrameworkCore;

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

internal static class ListingModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<ListingPolicyVersion>(e =>
        {
            e.ToTable("listing_policy_versions");
            e.HasKey(x => x.Version);
            e.Property(x => x.Version).ValueGeneratedNever();
            e.Property(x => x.Sha256).HasMaxLength(64);
            e.Property(x => x.Source).HasMaxLength(10);
            e.Property(x => x.CreatedBy).HasMaxLength(450);
        });
        builder.Entity<RequirementSnapshot>(e =>
        {
            e.ToTable("requirement_snapshots");
            e.HasKey(x => new { x.RequirementId, x.Version });
            e.Property(x => x.RequirementId).HasMaxLength(30);
            e.Property(x => x.Digest).HasMaxLength(71);
        });
    }
}
