namespace Gatehouse.Server.Apps;

/// <param name="Active">Approved and not expired: the finding does not count.</param>
public sealed record SuppressionInfo(Guid Id, string Fingerprint, string RuleId, string Path, string Justification, string State, bool Active,
    string RequestedBy, DateTimeOffset RequestedAt, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionNote, DateTimeOffset? ExpiresAt)
{
    public static SuppressionInfo From(Suppression s, DateTimeOffset now) => new(s.Id, s.Fingerprint, s.RuleId, s.Path, s.Justification, s.State,
        s.State == SuppressionStates.Approved && s.ExpiresAt > now, s.RequestedBy, s.RequestedAt, s.DecidedBy, s.DecidedAt, s.DecisionNote, s.ExpiresAt);
}
