using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Signing;

/// <summary>The <c>vendor_keys</c> table: how <see cref="VendorKey"/> is stored.</summary>
internal sealed class VendorKeyConfiguration : IEntityTypeConfiguration<VendorKey>
{
    public void Configure(EntityTypeBuilder<VendorKey> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("vendor_keys");
        e.HasKey(x => x.Id);
        e.Property(x => x.KeyId).HasMaxLength(64);
        e.Property(x => x.PublicKeyPem).HasMaxLength(4096);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.CreatedBy).HasMaxLength(450);
        e.Property(x => x.RevokedBy).HasMaxLength(450);
        e.HasIndex(x => new { x.OrganizationId, x.KeyId }).IsUnique();
    }
}
