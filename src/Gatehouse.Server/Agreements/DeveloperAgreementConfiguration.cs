using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Agreements;

/// <summary>The <c>developer_agreements</c> table: how <see cref="DeveloperAgreement"/> is stored.</summary>
internal sealed class DeveloperAgreementConfiguration : IEntityTypeConfiguration<DeveloperAgreement>
{
    public void Configure(EntityTypeBuilder<DeveloperAgreement> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("developer_agreements");
        e.HasKey(x => x.Version);
        e.Property(x => x.Version).ValueGeneratedNever();
        e.Property(x => x.Title).HasMaxLength(200);
        e.Property(x => x.Sha256).HasMaxLength(64);
        e.Property(x => x.PublishedBy).HasMaxLength(450);
    }
}
