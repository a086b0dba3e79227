namespace Gatehouse.Server.OAuth;

/// <summary><see cref="ClientSecret"/> is shown once; null for native (public) clients.</summary>
public sealed record CreatedOAuthClient(OAuthClientInfo Client, string? ClientSecret);
