using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Images;

/// <summary>The <c>registry_credentials</c> table: how <see cref="RegistryCredential"/> is stored.</summary>
internal sealed class RegistryCredentialConfiguration : IEntityTypeConfiguration<RegistryCredential>
{
    public void Configure(EntityTypeBuilder<RegistryCredential> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("registry_credentials");
        e.HasKey(x => x.Id);
        e.Property(x => x.Registry).HasMaxLength(VendorRegistryCredentials.MaxRegistryLength);
        e.Property(x => x.Username).HasMaxLength(VendorRegistryCredentials.MaxUsernameLength);
        e.Property(x => x.ProtectedSecret).HasMaxLength(8000);
        e.Property(x => x.CreatedBy).HasMaxLength(450);
        e.HasIndex(x => x.OrganizationId);
    }
}
