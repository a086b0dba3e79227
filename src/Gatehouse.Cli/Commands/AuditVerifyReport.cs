namespace Gatehouse.Cli.Commands;

/// <summary>The <c>audit verify --format json</c> output.</summary>
/// <param name="Intact">True when every entry (and the anchor, if given) holds.</param>
/// <param name="Verified">Entries checked and found to hold.</param>
/// <param name="HeadSequence">Sequence of the last entry that holds (0 when none).</param>
/// <param name="HeadHash">Its hash; record it and pass it as <c>--expect-head</c> next time.</param>
/// <param name="Break">The first break, or null.</param>
internal sealed record AuditVerifyReport(bool Intact, long Verified, long HeadSequence, string HeadHash, AuditBreakReport? Break);
