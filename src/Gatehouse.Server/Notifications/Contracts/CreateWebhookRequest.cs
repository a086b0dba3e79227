namespace Gatehouse.Server.Notifications;

internal sealed record CreateWebhookRequest(string? Url, string[]? Events);
