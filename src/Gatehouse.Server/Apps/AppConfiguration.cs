using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Apps;

/// <summary>The <c>apps</c> table: how <see cref="App"/> is stored.</summary>
internal sealed class AppConfiguration : IEntityTypeConfiguration<App>
{
    public void Configure(EntityTypeBuilder<App> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("apps");
        e.HasKey(x => x.Id);
        e.Property(x => x.Slug).HasMaxLength(64);
        e.HasIndex(x => x.Slug).IsUnique();
        e.Property(x => x.Name).HasMaxLength(200);
        e.Property(x => x.Type).HasMaxLength(20);
        e.Property(x => x.Tier).HasMaxLength(40);
        e.Property(x => x.BaseUrl).HasMaxLength(2000);
        e.Property(x => x.CreatedBy).HasMaxLength(450);
        e.HasIndex(x => x.OrganizationId);
    }
}
