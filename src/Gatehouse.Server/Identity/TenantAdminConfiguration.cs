using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Identity;

/// <summary>The <c>tenant_admins</c> table: how <see cref="TenantAdmin"/> is stored.</summary>
internal sealed class TenantAdminConfiguration : IEntityTypeConfiguration<TenantAdmin>
{
    public void Configure(EntityTypeBuilder<TenantAdmin> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("tenant_admins");
        e.HasKey(x => new { x.TenantId, x.UserId });
        e.Property(x => x.UserId).HasMaxLength(450);
        e.HasIndex(x => x.UserId);
    }
}
