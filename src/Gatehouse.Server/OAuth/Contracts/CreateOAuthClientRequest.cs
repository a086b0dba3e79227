namespace Gatehouse.Server.OAuth;

public sealed record CreateOAuthClientRequest(IReadOnlyList<string>? RedirectUris, bool Native = false);
