namespace Gatehouse.Server.Audit;

/// <summary>
/// One feature's half of the gap check: it compares the state it owns (transitions, uploads, tokens, …) with the audit
/// entries that state must have, and returns the rows without one. Features register theirs in their <c>XxxSetup</c>,
/// so the audit folder depends on none of them (docs/architecture.md#dependency-rules-between-folders).
/// </summary>
internal interface IAuditGapCheck
{
    /// <summary>
    /// The state rows without their entry. Read the state and the entries grouped or projected in the database
    /// (<see cref="AuditGapQueries"/>), never the whole chain: the log may hold millions of entries.
    /// </summary>
    Task<IReadOnlyList<AuditGap>> FindAsync(CancellationToken ct);
}
