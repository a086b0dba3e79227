using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Signing;

/// <summary>The <c>signing_keys</c> table: how <see cref="SigningKey"/> is stored.</summary>
internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("signing_keys");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.Algorithm).HasMaxLength(16);
        e.Property(x => x.PublicKeyPem).HasMaxLength(4096);
        e.Property(x => x.Provider).HasMaxLength(64);
        e.Property(x => x.ProviderKeyRef).HasMaxLength(1024);
        e.Property(x => x.CreatedBy).HasMaxLength(450);
        e.Property(x => x.RetiredBy).HasMaxLength(450);
    }
}
