namespace Gatehouse.Server.OAuth;

/// <summary>One suspension of an app's access (<see cref="AppAccessSuspension"/>).</summary>
public sealed record AccessSuspensionInfo(Guid Id, string Source, Guid? VersionId, string Reason, string SuspendedBy, DateTimeOffset SuspendedAt,
    DateTimeOffset? LiftedAt, string? LiftedBy, string? LiftReason)
{
    public static AccessSuspensionInfo From(AppAccessSuspension s) =>
        new(s.Id, s.Source, s.VersionId, s.Reason, s.SuspendedBy, s.SuspendedAt, s.LiftedAt, s.LiftedBy, s.LiftReason);
}
