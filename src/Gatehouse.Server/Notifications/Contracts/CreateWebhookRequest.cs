namespace Gatehouse.Server.Notifications;

public sealed record CreateWebhookRequest(string? Url, string[]? Events);
