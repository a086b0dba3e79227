using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Registry;

/// <summary>The <c>registry_images</c> table: how <see cref="RegistryImage"/> is stored.</summary>
internal sealed class RegistryImageConfiguration : IEntityTypeConfiguration<RegistryImage>
{
    public void Configure(EntityTypeBuilder<RegistryImage> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("registry_images");
        e.HasKey(x => x.VersionId);
        e.Property(x => x.Repository).HasMaxLength(255);
        e.Property(x => x.Tag).HasMaxLength(128);
        e.Property(x => x.ManifestDigest).HasMaxLength(80);
        e.Property(x => x.MediaType).HasMaxLength(200);
        e.HasIndex(x => x.AppId);
    }
}
