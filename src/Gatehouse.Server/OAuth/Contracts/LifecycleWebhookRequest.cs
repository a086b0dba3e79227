namespace Gatehouse.Server.OAuth;

public sealed record LifecycleWebhookRequest(string? Url);
