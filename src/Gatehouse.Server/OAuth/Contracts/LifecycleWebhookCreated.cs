namespace Gatehouse.Server.OAuth;

public sealed record LifecycleWebhookCreated(Guid Id, string Url, IReadOnlyList<string> Events, string Secret);
