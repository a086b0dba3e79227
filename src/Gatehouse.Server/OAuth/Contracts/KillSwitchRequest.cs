namespace Gatehouse.Server.OAuth;

public sealed record KillSwitchRequest(string? Reason);
