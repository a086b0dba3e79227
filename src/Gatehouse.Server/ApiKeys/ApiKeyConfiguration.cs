using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.ApiKeys;

/// <summary>The <c>api_keys</c> table: how <see cref="ApiKey"/> is stored.</summary>
internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("api_keys");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(16);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.Scopes).HasMaxLength(200);
        e.Property(x => x.Hmac).HasMaxLength(64);
        e.Property(x => x.CreatedBy).HasMaxLength(450);
        e.Property(x => x.LastUsedFrom).HasMaxLength(64);
        e.Property(x => x.ReplacedBy).HasMaxLength(16);
        e.HasIndex(x => x.AppId);
        e.HasIndex(x => x.TenantId);
        e.Ignore(x => x.ScopeList);
    }
}
