using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Signing;

/// <summary>The <c>artifact_signatures</c> table: how <see cref="ArtifactSignature"/> is stored.</summary>
internal sealed class ArtifactSignatureConfiguration : IEntityTypeConfiguration<ArtifactSignature>
{
    public void Configure(EntityTypeBuilder<ArtifactSignature> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("artifact_signatures");
        e.HasKey(x => x.Id);
        e.Property(x => x.Kind).HasMaxLength(16);
        e.Property(x => x.KeyId).HasMaxLength(64);
        e.Property(x => x.SubjectDigest).HasMaxLength(80);
        e.Property(x => x.MediaType).HasMaxLength(128);
        e.Property(x => x.Signature).HasMaxLength(512);
        e.HasIndex(x => new { x.VersionId, x.Kind }).IsUnique();
        e.HasIndex(x => x.AppId);
    }
}
