using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.OAuth;

/// <summary>The <c>tenants</c> table: how <see cref="Tenant"/> is stored.</summary>
internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("tenants");
        e.HasKey(x => x.Id);
        e.Property(x => x.Name).HasMaxLength(200);
    }
}
