using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Identity;

/// <summary>The <c>organizations</c> table: how <see cref="Organization"/> is stored.</summary>
internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("organizations");
        e.HasKey(x => x.Id);
        e.Property(x => x.Name).HasMaxLength(200);
        e.HasIndex(x => x.Name).IsUnique();
        e.Property(x => x.OwnerUserId).HasMaxLength(450);
        e.HasMany(x => x.Members).WithOne(m => m.Organization).HasForeignKey(m => m.OrganizationId);
    }
}
