using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Listing;

/// <summary>The <c>requirement_snapshots</c> table: how <see cref="RequirementSnapshot"/> is stored.</summary>
internal sealed class RequirementSnapshotConfiguration : IEntityTypeConfiguration<RequirementSnapshot>
{
    public void Configure(EntityTypeBuilder<RequirementSnapshot> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("requirement_snapshots");
        e.HasKey(x => new { x.RequirementId, x.Version });
        e.Property(x => x.RequirementId).HasMaxLength(30);
        e.Property(x => x.Digest).HasMaxLength(71);
    }
}
