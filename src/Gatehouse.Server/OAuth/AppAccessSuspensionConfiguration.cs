using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.OAuth;

/// <summary>The <c>app_access_suspensions</c> table: how <see cref="AppAccessSuspension"/> is stored.</summary>
internal sealed class AppAccessSuspensionConfiguration : IEntityTypeConfiguration<AppAccessSuspension>
{
    public void Configure(EntityTypeBuilder<AppAccessSuspension> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("app_access_suspensions");
        e.HasKey(x => x.Id);
        e.Property(x => x.Source).HasMaxLength(40);
        e.Property(x => x.Reason).HasMaxLength(1000);
        e.Property(x => x.SuspendedBy).HasMaxLength(450);
        e.Property(x => x.LiftedBy).HasMaxLength(450);
        e.Property(x => x.LiftReason).HasMaxLength(1000);
        // The gate asks "any active suspension of this app?" on every credential use.
        e.HasIndex(x => new { x.AppId, x.LiftedAt });
    }
}
