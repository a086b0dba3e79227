namespace Gatehouse.Server.Apps;

public sealed record ActionRequest(string? Action, IReadOnlyList<string>? ReasonCodes, string? Text);
