using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Notifications;

/// <summary>The <c>outbox_messages</c> table: how <see cref="OutboxMessage"/> is stored.</summary>
internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("outbox_messages");
        e.HasKey(x => x.Id);
        e.Property(x => x.Channel).HasMaxLength(10);
        e.Property(x => x.Event).HasMaxLength(60);
        e.Property(x => x.Recipient).HasMaxLength(320);
        e.Property(x => x.State).HasMaxLength(10);
        e.Property(x => x.LastError).HasMaxLength(1000);
        e.HasIndex(x => new { x.State, x.NextAttemptAt });
        e.HasIndex(x => x.OrganizationId);
    }
}
