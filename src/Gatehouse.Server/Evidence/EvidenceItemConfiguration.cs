using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Evidence;

/// <summary>The <c>evidence_items</c> table: how <see cref="EvidenceItem"/> is stored.</summary>
internal sealed class EvidenceItemConfiguration : IEntityTypeConfiguration<EvidenceItem>
{
    public void Configure(EntityTypeBuilder<EvidenceItem> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("evidence_items");
        e.HasKey(x => x.Id);
        e.Property(x => x.Type).HasMaxLength(40);
        e.Property(x => x.Issuer).HasMaxLength(200);
        e.Property(x => x.Scope).HasMaxLength(1000);
        e.Property(x => x.BlobDigest).HasMaxLength(71);
        e.Property(x => x.FileName).HasMaxLength(255);
        e.Property(x => x.Status).HasMaxLength(20);
        e.Property(x => x.UploadedBy).HasMaxLength(450);
        e.Property(x => x.ReviewedBy).HasMaxLength(450);
        e.Property(x => x.ReviewNote).HasMaxLength(2000);
        e.HasIndex(x => x.OrganizationId);
        e.HasIndex(x => x.ScanId);
    }
}
