namespace Gatehouse.Server.Audit;

/// <summary>
/// Pairs state rows with audit entries of the same subject and action when several may exist (a version is submitted,
/// scanned and approved more than once). There is no link column between a transition and its entry, and none is
/// added: the pairing must work on the data that exists. The count decides (n rows, m entries: max(0, n − m) rows
/// lack an entry); time only chooses which rows, so clock skew between the two timestamps can never hide a gap.
/// </summary>
internal static class AuditGapMatching
{
    /// <summary>
    /// The indexes of <paramref name="stateTimesMs"/> left without an entry. Each entry, oldest first, takes the latest
    /// unpaired row at or before it (an entry is written when, or just after, its state changes); failing that (a clock
    /// that stepped back), the oldest unpaired row. Exactly max(0, n − m) rows are returned, oldest first.
    /// </summary>
    public static IReadOnlyList<int> Unmatched(IReadOnlyList<long> stateTimesMs, IReadOnlyList<long> entryTimesMs)
    {
        ArgumentNullException.ThrowIfNull(stateTimesMs);
        ArgumentNullException.ThrowIfNull(entryTimesMs);
        var order = Enumerable.Range(0, stateTimesMs.Count).OrderBy(i => stateTimesMs[i]).ThenBy(i => i).ToList();
        var open = new List<int>(order); // unpaired rows, oldest first
        foreach (var entry in entryTimesMs.Order())
        {
            if (open.Count == 0) break;
            var pick = 0;
            for (var k = 0; k < open.Count && stateTimesMs[open[k]] <= entry; k++) pick = k;
            open.RemoveAt(pick);
        }
        return open;
    }
}
