using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Jobs;

/// <summary>The <c>work_items</c> table: how <see cref="WorkItem"/> is stored.</summary>
internal sealed class WorkItemConfiguration : IEntityTypeConfiguration<WorkItem>
{
    public void Configure(EntityTypeBuilder<WorkItem> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("work_items");
        e.HasKey(x => x.Id);
        e.Property(x => x.Kind).HasMaxLength(100);
        e.Property(x => x.State).HasConversion<string>().HasMaxLength(20);
        e.Property(x => x.LeaseOwner).HasMaxLength(200);
        e.Property(x => x.JobId).HasMaxLength(100);
        e.HasIndex(x => x.State);
    }
}
