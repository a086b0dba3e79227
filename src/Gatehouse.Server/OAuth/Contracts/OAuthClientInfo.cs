namespace Gatehouse.Server.OAuth;

public sealed record OAuthClientInfo(string ClientId, string ClientType, IReadOnlyList<string> RedirectUris, IReadOnlyList<string> Scopes,
    string? LifecycleWebhookUrl, int ActiveInstallations);
