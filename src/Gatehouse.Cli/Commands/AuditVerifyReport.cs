namespace Gatehouse.Cli.Commands;

/// <summary>The <c>audit verify --format json</c> output.</summary>
/// <param name="Intact">True when every entry (and the anchor, if given) holds.</param>
/// <param name="Verified">Entries checked and found to hold.</param>
/// <param name="HeadSequence">Sequence of the last entry that holds (0 when none).</param>
/// <param name="HeadHash">Its hash; record it and pass it as <c>--expect-head</c> next time.</param>
/// <param name="Break">The first break, or null.</param>
/// <param name="Ok">True when the chain is intact and no state change lacks its audit entry (with <c>--no-gaps</c>: the chain alone).</param>
/// <param name="GapCount">State changes the server holds without an audit entry; null with <c>--no-gaps</c>.</param>
/// <param name="Gaps">The oldest of them (the server lists at most 1000); null with <c>--no-gaps</c>.</param>
internal sealed record AuditVerifyReport(bool Intact, long Verified, long HeadSequence, string HeadHash, AuditBreakReport? Break,
    bool Ok, int? GapCount, IReadOnlyList<AuditGapWire>? Gaps);
