namespace Gatehouse.Server.Apps;

public sealed record TransitionInfo(string From, string To, string Action, IReadOnlyList<string> ReasonCodes, string? Text, string Actor, DateTimeOffset At);
