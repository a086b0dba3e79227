using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Downloads;

/// <summary>The <c>download_keys</c> table: how <see cref="DownloadKey"/> is stored.</summary>
internal sealed class DownloadKeyConfiguration : IEntityTypeConfiguration<DownloadKey>
{
    public void Configure(EntityTypeBuilder<DownloadKey> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("download_keys");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(32);
        e.Property(x => x.CreatedBy).HasMaxLength(450);
    }
}
