using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Usage;

/// <summary>The <c>usage_throttles</c> table: how <see cref="UsageThrottle"/> is stored.</summary>
internal sealed class UsageThrottleConfiguration : IEntityTypeConfiguration<UsageThrottle>
{
    public void Configure(EntityTypeBuilder<UsageThrottle> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("usage_throttles");
        e.HasKey(x => x.Id);
        e.Property(x => x.Reason).HasMaxLength(1000);
        e.Property(x => x.SetBy).HasMaxLength(450);
        e.Property(x => x.LiftedBy).HasMaxLength(450);
        e.HasIndex(x => new { x.AppId, x.Until });
    }
}
