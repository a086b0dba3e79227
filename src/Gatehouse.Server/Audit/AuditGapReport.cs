namespace Gatehouse.Server.Audit;

/// <summary>The answer of <c>GET /api/audit/gaps</c>: every state change without an audit entry, oldest first.</summary>
/// <param name="GapCount">How many there are in all.</param>
/// <param name="Gaps">The oldest <see cref="AuditGaps.MaxListed"/> of them.</param>
internal sealed record AuditGapReport(int GapCount, IReadOnlyList<AuditGap> Gaps);
