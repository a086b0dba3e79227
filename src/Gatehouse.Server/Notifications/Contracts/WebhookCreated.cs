namespace Gatehouse.Server.Notifications;

/// <summary>The answer to creating a webhook: its details and the signing secret, shown this once.</summary>
internal sealed record WebhookCreated(Guid Id, Guid OrganizationId, string Url, string[] Events, string CreatedBy, DateTimeOffset CreatedAt, string Secret);
