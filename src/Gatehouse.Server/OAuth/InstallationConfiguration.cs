using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.OAuth;

/// <summary>The <c>installations</c> table: how <see cref="Installation"/> is stored.</summary>
internal sealed class InstallationConfiguration : IEntityTypeConfiguration<Installation>
{
    public void Configure(EntityTypeBuilder<Installation> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("installations");
        e.HasKey(x => x.Id);
        e.Property(x => x.ClientId).HasMaxLength(100);
        e.Property(x => x.Scopes).HasMaxLength(400);
        e.Property(x => x.InstalledBy).HasMaxLength(450);
        e.Property(x => x.UninstalledBy).HasMaxLength(450);
        e.Property(x => x.AuthorizationId).HasMaxLength(100);
        e.HasIndex(x => x.AppId);
        e.HasIndex(x => new { x.TenantId, x.ClientId });
        e.Ignore(x => x.ScopeList);
    }
}
