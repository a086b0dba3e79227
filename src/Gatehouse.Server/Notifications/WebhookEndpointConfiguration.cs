using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gatehouse.Server.Notifications;

/// <summary>The <c>webhook_endpoints</c> table: how <see cref="WebhookEndpoint"/> is stored.</summary>
internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> e)
    {
        ArgumentNullException.ThrowIfNull(e);
        e.ToTable("webhook_endpoints");
        e.HasKey(x => x.Id);
        e.Property(x => x.Url).HasMaxLength(2000);
        e.Property(x => x.Events).HasMaxLength(1000);
        e.Property(x => x.CreatedBy).HasMaxLength(450);
        e.HasIndex(x => x.OrganizationId);
        e.HasIndex(x => x.AppId);
    }
}
