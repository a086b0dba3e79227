namespace Gatehouse.Server.OAuth;

public sealed record ClientSecret(string ClientId, string Secret);
