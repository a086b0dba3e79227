using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Platform;

/// <summary>The <c>platform_issues</c> table: how <see cref="Issue"/> is stored.</summary>
internal sealed class IssueConfiguration : IEntityTypeConfiguration<Issue>
{
    public void Configure(EntityTypeBuilder<Issue> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("platform_issues");
        e.HasKey(x => x.Id);
        e.Property(x => x.Title).HasMaxLength(300);
        e.Property(x => x.Status).HasMaxLength(20);
        e.HasIndex(x => new { x.TenantId, x.ProjectId });
        e.HasOne<Project>().WithMany().HasForeignKey(x => x.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
