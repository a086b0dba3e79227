namespace Gatehouse.Server.Apps;

public sealed record AttestRequest(string? Name, bool? Accept);
