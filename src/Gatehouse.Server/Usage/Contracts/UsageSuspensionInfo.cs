namespace Gatehouse.Server.Usage;

/// <summary>An active suspension of an app's platform access: what set it, why, since when.</summary>
internal sealed record UsageSuspensionInfo(string Source, string Reason, DateTimeOffset SuspendedAt);
