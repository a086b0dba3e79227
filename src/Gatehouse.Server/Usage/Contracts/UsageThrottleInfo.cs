namespace Gatehouse.Server.Usage;

/// <summary>An active throttle on an app: the share of its tier's rate limits left to it, until when, and why.</summary>
internal sealed record UsageThrottleInfo(double Factor, DateTimeOffset From, DateTimeOffset Until, string Reason, string SetBy, Guid? AlertId);
