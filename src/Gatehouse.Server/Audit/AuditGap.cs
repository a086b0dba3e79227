namespace Gatehouse.Server.Audit;

/// <summary>
/// A state change the database holds but the audit chain has no entry for (issue 14: a crash between saving the state
/// and appending its entry, or a write behind the server's back). Found by <see cref="AuditGaps"/>.
/// </summary>
/// <param name="Kind">What changed: <c>transition</c>, <c>decision</c>, <c>upload</c>, <c>evidence</c>, <c>evidence.decision</c>,
/// <c>token.issued</c>, <c>token.revoked</c>, <c>apikey.created</c>, <c>apikey.rotated</c>, <c>apikey.revoked</c>,
/// <c>app.created</c>, <c>org.created</c>, <c>suspension</c>, <c>suspension.lifted</c>, <c>signing.key-created</c> or <c>signing.key-retired</c> (docs/audit.md#gaps-state-changes-without-an-entry).</param>
/// <param name="Subject">The id the missing entry would carry as its subject (version, token, key, app, organisation or suspension id; an app's slug for the kill switch).</param>
/// <param name="Action">The audit action that is missing, e.g. <c>version.approve</c>.</param>
/// <param name="At">When the state says the change happened.</param>
/// <param name="Detail">What the state row says, for people.</param>
internal sealed record AuditGap(string Kind, string Subject, string Action, DateTimeOffset At, string Detail);
