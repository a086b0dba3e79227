using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Identity;

/// <summary>The <c>totp_steps</c> table: how <see cref="TotpStepRecord"/> is stored.</summary>
internal sealed class TotpStepRecordConfiguration : IEntityTypeConfiguration<TotpStepRecord>
{
    public void Configure(EntityTypeBuilder<TotpStepRecord> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("totp_steps");
        e.HasKey(x => x.UserId);
        e.Property(x => x.UserId).HasMaxLength(450);
        e.HasOne<GatehouseUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
