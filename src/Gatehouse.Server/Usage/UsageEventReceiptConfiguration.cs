using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Usage;

/// <summary>The <c>usage_event_receipts</c> table: how <see cref="UsageEventReceipt"/> is stored.</summary>
internal sealed class UsageEventReceiptConfiguration : IEntityTypeConfiguration<UsageEventReceipt>
{
    public void Configure(EntityTypeBuilder<UsageEventReceipt> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("usage_event_receipts");
        e.HasKey(x => x.Id);
        e.Property(x => x.Source).HasMaxLength(450);
        e.Property(x => x.EventId).HasMaxLength(200);
        e.HasIndex(x => new { x.Source, x.EventId }).IsUnique();
        e.HasIndex(x => x.ReceivedAt);
    }
}
