using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Data.Blobs;

/// <summary>The <c>blob_uploads</c> table: how <see cref="BlobUploadRecord"/> is stored.</summary>
internal sealed class BlobUploadRecordConfiguration : IEntityTypeConfiguration<BlobUploadRecord>
{
    public void Configure(EntityTypeBuilder<BlobUploadRecord> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("blob_uploads");
        e.HasKey(x => x.Id);
        e.Property(x => x.Digest).HasMaxLength(71);
        e.HasIndex(x => new { x.OrganizationId, x.Digest }).IsUnique();
        e.HasIndex(x => x.Digest);
        e.HasIndex(x => x.UploadedAt);
    }
}
