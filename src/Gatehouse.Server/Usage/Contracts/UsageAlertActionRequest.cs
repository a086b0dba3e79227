namespace Gatehouse.Server.Usage;

/// <summary>The body of acknowledging (reason optional) or resolving (reason required) a usage alert.</summary>
/// <param name="Reason">Why: what was checked, what was done (at most 1000 characters).</param>
internal sealed record UsageAlertActionRequest(string? Reason);
