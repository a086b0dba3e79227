namespace Gatehouse.Server.Apps;

public sealed record DecideSuppressionRequest(DateTimeOffset? ExpiresAt, string? Note);
