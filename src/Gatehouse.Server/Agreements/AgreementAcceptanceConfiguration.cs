using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Agreements;

/// <summary>The <c>agreement_acceptances</c> table: how <see cref="AgreementAcceptance"/> is stored.</summary>
internal sealed class AgreementAcceptanceConfiguration : IEntityTypeConfiguration<AgreementAcceptance>
{
    public void Configure(EntityTypeBuilder<AgreementAcceptance> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("agreement_acceptances");
        e.HasKey(x => x.Id);
        e.Property(x => x.UserId).HasMaxLength(450);
        e.Property(x => x.TextSha256).HasMaxLength(64);
        e.Property(x => x.ClientAddress).HasMaxLength(64);
        e.HasIndex(x => new { x.OrganizationId, x.AgreementVersion });
    }
}
