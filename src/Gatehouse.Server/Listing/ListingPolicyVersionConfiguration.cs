using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Listing;

/// <summary>The <c>listing_policy_versions</c> table: how <see cref="ListingPolicyVersion"/> is stored.</summary>
internal sealed class ListingPolicyVersionConfiguration : IEntityTypeConfiguration<ListingPolicyVersion>
{
    public void Configure(EntityTypeBuilder<ListingPolicyVersion> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("listing_policy_versions");
        e.HasKey(x => x.Version);
        e.Property(x => x.Version).ValueGeneratedNever();
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.Property(x => x.Source).HasMaxLength(10);
        e.Property(x => x.CreatedBy).HasMaxLength(450);
    }
}
