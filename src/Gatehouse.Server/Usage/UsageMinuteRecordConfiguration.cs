using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Usage;

/// <summary>The <c>usage_minutes</c> table: how <see cref="UsageMinuteRecord"/> is stored.</summary>
internal sealed class UsageMinuteRecordConfiguration : IEntityTypeConfiguration<UsageMinuteRecord>
{
    public void Configure(EntityTypeBuilder<UsageMinuteRecord> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("usage_minutes");
        e.HasKey(x => x.Id);
        e.Property(x => x.CredentialId).HasMaxLength(100);
        e.Property(x => x.Endpoint).HasMaxLength(300);
        e.Property(x => x.Scope).HasMaxLength(100);
        e.Property(x => x.Source).HasMaxLength(20);
        e.HasIndex(x => new { x.AppId, x.Minute });
        e.HasIndex(x => new { x.TenantId, x.Minute });
        e.HasIndex(x => x.Minute);
    }
}
