namespace Gatehouse.Server.Apps;

public sealed record AssignRequest(string? ReviewerId);
