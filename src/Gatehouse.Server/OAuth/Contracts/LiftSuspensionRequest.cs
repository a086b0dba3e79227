namespace Gatehouse.Server.OAuth;

public sealed record LiftSuspensionRequest(string? Reason);
