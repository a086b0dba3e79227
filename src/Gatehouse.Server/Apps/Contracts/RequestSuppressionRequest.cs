namespace Gatehouse.Server.Apps;

public sealed record RequestSuppressionRequest(string? Fingerprint, string? Justification);
