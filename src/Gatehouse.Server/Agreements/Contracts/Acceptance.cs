namespace Gatehouse.Server.Agreements;

/// <summary>An acceptance of the current agreement; <see cref="Created"/> is false when the same person had accepted it already.</summary>
public sealed record Acceptance(AcceptanceInfo Info, bool Created);
