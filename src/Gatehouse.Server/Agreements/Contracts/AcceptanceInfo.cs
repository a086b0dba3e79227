namespace Gatehouse.Server.Agreements;

public sealed record AcceptanceInfo(int Version, string UserId, string? Email, DateTimeOffset AcceptedAt, string Sha256);
