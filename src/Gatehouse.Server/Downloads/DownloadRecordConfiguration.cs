using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Downloads;

/// <summary>The <c>downloads</c> table: how <see cref="DownloadRecord"/> is stored.</summary>
internal sealed class DownloadRecordConfiguration : IEntityTypeConfiguration<DownloadRecord>
{
    public void Configure(EntityTypeBuilder<DownloadRecord> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("downloads");
        e.HasKey(x => x.Id);
        e.Property(x => x.UserId).HasMaxLength(450);
        e.Property(x => x.ClientAddress).HasMaxLength(64);
        e.HasIndex(x => new { x.AppId, x.TenantId });
        e.HasIndex(x => x.VersionId);
    }
}
