using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Audit;

/// <summary>The <c>audit_entries</c> table: how <see cref="AuditEntry"/> is stored.</summary>
internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("audit_entries");
        e.HasKey(x => x.Sequence);
        e.Property(x => x.Sequence).ValueGeneratedNever();
        e.Property(x => x.Actor).HasMaxLength(450);
        e.Property(x => x.Action).HasMaxLength(100);
        e.Property(x => x.OrganizationId).HasMaxLength(64);
        e.Property(x => x.Subject).HasMaxLength(450);
        e.Property(x => x.ClientAddress).HasMaxLength(64);
        e.Property(x => x.PreviousHash).HasMaxLength(64);
        e.Property(x => x.Hash).HasMaxLength(64);
        e.HasIndex(x => x.Action);
        e.HasIndex(x => x.OrganizationId);
    }
}
