using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Data;

/// <summary>
/// Table <c>data_protection_keys</c>: the key ring that protects cookies, antiforgery tokens and the secrets Gatehouse
/// keeps encrypted (download URL keys, platform signing keys, two-factor secrets). In the database so that every web and
/// worker instance reads what another protected (docs/scale-out.md).
/// </summary>
internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> e)
    {
        e.ToTable("data_protection_keys");
        e.HasKey(k => k.Id);
        e.Property(k => k.FriendlyName).HasMaxLength(200);
    }
}
