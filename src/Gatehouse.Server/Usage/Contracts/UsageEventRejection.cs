namespace Gatehouse.Server.Usage.Contracts;

/// <summary>An event of a batch that was not counted, and why.</summary>
internal sealed record UsageEventRejection(string? Id, string Reason);
