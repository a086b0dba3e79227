namespace Gatehouse.Server.Audit;

/// <summary>
/// An audit event waiting in a unit of work (<see cref="Data.GatehouseDb"/>) for the save that commits the change it
/// describes; <see cref="AuditSealing"/> seals it onto the chain inside that save's transaction.
/// </summary>
/// <param name="Data">The event's data, already serialised (so later changes to the objects it came from cannot alter it).</param>
internal sealed record StagedAuditEvent(
    string Action, string Actor, string? OrganizationId, string? Subject, string? ClientAddress, string Data, long AtUnixMs);
