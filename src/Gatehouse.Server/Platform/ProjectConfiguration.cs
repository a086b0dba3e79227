using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Platform;

/// <summary>The <c>platform_projects</c> table: how <see cref="Project"/> is stored.</summary>
internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("platform_projects");
        e.HasKey(x => x.Id);
        e.Property(x => x.Key).HasMaxLength(20);
        e.Property(x => x.Name).HasMaxLength(200);
        e.HasIndex(x => new { x.TenantId, x.Key }).IsUnique();
    }
}
