using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Apps;

/// <summary>The <c>version_transitions</c> table: how <see cref="VersionTransition"/> is stored.</summary>
internal sealed class VersionTransitionConfiguration : IEntityTypeConfiguration<VersionTransition>
{
    public void Configure(EntityTypeBuilder<VersionTransition> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("version_transitions");
        e.HasKey(x => x.Id);
        e.Property(x => x.From).HasMaxLength(24);
        e.Property(x => x.To).HasMaxLength(24);
        e.Property(x => x.Action).HasMaxLength(40);
        e.Property(x => x.ReasonCodes).HasMaxLength(2000);
        e.Property(x => x.Text).HasMaxLength(4000);
        e.Property(x => x.Actor).HasMaxLength(450);
        e.HasIndex(x => x.AppVersionId);
    }
}
