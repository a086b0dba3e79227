using Gatehouse.Analysis.Audit;

namespace Gatehouse.Server.Audit;

/// <summary>
/// The answer of <c>GET /api/audit/verify</c>: the chain's check (<see cref="AuditVerification"/>, fields unchanged) and
/// the state changes without an entry (<see cref="AuditGapReport"/>).
/// </summary>
/// <param name="Intact">The hash chain holds (as before; says nothing about gaps).</param>
/// <param name="Ok">The chain holds and no state change lacks its audit entry.</param>
/// <param name="GapCount">State changes without an audit entry, in all.</param>
/// <param name="Gaps">The oldest <see cref="AuditGaps.MaxListed"/> of them.</param>
internal sealed record AuditVerifyResult(bool Intact, long Verified, long HeadSequence, string HeadHash, ChainBreak? Break,
    bool Ok, int GapCount, IReadOnlyList<AuditGap> Gaps)
{
    public static AuditVerifyResult From(AuditVerification chain, AuditGapReport gaps)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(gaps);
        return new(chain.Intact, chain.Verified, chain.HeadSequence, chain.HeadHash, chain.Break,
            chain.Intact && gaps.GapCount == 0, gaps.GapCount, gaps.Gaps);
    }
}
