using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Identity;

/// <summary>The <c>organization_members</c> table: how <see cref="OrganizationMember"/> is stored.</summary>
internal sealed class OrganizationMemberConfiguration : IEntityTypeConfiguration<OrganizationMember>
{
    public void Configure(EntityTypeBuilder<OrganizationMember> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("organization_members");
        e.HasKey(x => new { x.OrganizationId, x.UserId });
        e.Property(x => x.Role).HasMaxLength(20);
        e.HasIndex(x => x.UserId);
    }
}
