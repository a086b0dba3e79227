namespace Gatehouse.Server.Apps;

internal sealed record SuppressedInfo(Guid SuppressionId, DateTimeOffset ExpiresAt, string Justification);
