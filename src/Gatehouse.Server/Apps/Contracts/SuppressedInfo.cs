namespace Gatehouse.Server.Apps;

public sealed record SuppressedInfo(Guid SuppressionId, DateTimeOffset ExpiresAt, string Justification);
