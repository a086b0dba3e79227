using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Signing;

/// <summary>The <c>vendor_signatures</c> table: how <see cref="VendorSignature"/> is stored.</summary>
internal sealed class VendorSignatureConfiguration : IEntityTypeConfiguration<VendorSignature>
{
    public void Configure(EntityTypeBuilder<VendorSignature> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("vendor_signatures");
        e.HasKey(x => x.VersionId);
        e.Property(x => x.KeyId).HasMaxLength(64);
        e.Property(x => x.ArtifactDigest).HasMaxLength(80);
        e.Property(x => x.Status).HasMaxLength(64);
        e.Property(x => x.UploadedBy).HasMaxLength(450);
    }
}
