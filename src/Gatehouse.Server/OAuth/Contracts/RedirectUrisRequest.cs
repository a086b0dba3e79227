namespace Gatehouse.Server.OAuth;

public sealed record RedirectUrisRequest(IReadOnlyList<string>? RedirectUris);
