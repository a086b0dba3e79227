using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Usage;

/// <summary>The <c>usage_alerts</c> table: how <see cref="UsageAlertRecord"/> is stored.</summary>
internal sealed class UsageAlertRecordConfiguration : IEntityTypeConfiguration<UsageAlertRecord>
{
    public void Configure(EntityTypeBuilder<UsageAlertRecord> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("usage_alerts");
        e.HasKey(x => x.Id);
        e.Property(x => x.DetectorId).HasMaxLength(100);
        e.Property(x => x.DetectorVersion).HasMaxLength(20);
        e.Property(x => x.InstallationId).HasMaxLength(100);
        e.Property(x => x.Severity).HasMaxLength(20);
        e.Property(x => x.Explanation).HasMaxLength(2000);
        e.Property(x => x.Metric).HasMaxLength(100);
        e.Property(x => x.Status).HasMaxLength(20);
        e.Property(x => x.Action).HasMaxLength(20);
        e.Property(x => x.ClosedBy).HasMaxLength(450);
        e.Property(x => x.CloseReason).HasMaxLength(1000);
        e.HasIndex(x => new { x.AppId, x.DetectorId, x.Status });
        e.HasIndex(x => new { x.Status, x.RaisedAt });
    }
}
