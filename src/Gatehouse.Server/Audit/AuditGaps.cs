namespace Gatehouse.Server.Audit;

/// <summary>
/// Compares state with the chain: runs every feature's <see cref="IAuditGapCheck"/> and lists the state changes that have
/// no audit entry. The chain's hashes prove that what was written is unchanged; this proves that what happened was
/// written (principle 9), which the chain alone cannot see (issue 14, item 5).
/// </summary>
internal sealed class AuditGaps(IEnumerable<IAuditGapCheck> checks)
{
    /// <summary>At most this many gaps are listed (the oldest); <see cref="AuditGapReport.GapCount"/> counts them all.</summary>
    public const int MaxListed = 1000;

    public async Task<AuditGapReport> FindAsync(CancellationToken ct)
    {
        var all = new List<AuditGap>();
        // One after the other: the checks share the request's DbContext.
        foreach (var check in checks) all.AddRange(await check.FindAsync(ct));
        var listed = all.OrderBy(g => g.At).ThenBy(g => g.Kind, StringComparer.Ordinal).ThenBy(g => g.Subject, StringComparer.Ordinal)
            .Take(MaxListed).ToList();
        return new AuditGapReport(all.Count, listed);
    }
}
