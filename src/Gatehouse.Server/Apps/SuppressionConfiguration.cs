using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Apps;

/// <summary>The <c>suppressions</c> table: how <see cref="Suppression"/> is stored.</summary>
internal sealed class SuppressionConfiguration : IEntityTypeConfiguration<Suppression>
{
    public void Configure(EntityTypeBuilder<Suppression> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("suppressions");
        e.HasKey(x => x.Id);
        e.Property(x => x.Fingerprint).HasMaxLength(64);
        e.Property(x => x.RuleId).HasMaxLength(100);
        e.Property(x => x.Path).HasMaxLength(2000);
        e.Property(x => x.Justification).HasMaxLength(4000);
        e.Property(x => x.State).HasMaxLength(12);
        e.Property(x => x.RequestedBy).HasMaxLength(450);
        e.Property(x => x.DecidedBy).HasMaxLength(450);
        e.Property(x => x.DecisionNote).HasMaxLength(2000);
        e.HasIndex(x => new { x.AppId, x.Fingerprint });
    }
}
