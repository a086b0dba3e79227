namespace Gatehouse.Server.Notifications;

/// <summary>A new signing secret, shown this once; the old one stops being used at once.</summary>
internal sealed record WebhookSecret(Guid Id, string Secret);
