using Gatehouse.Server.Listing;

namespace Gatehouse.Server.Apps;

/// <summary>
/// Whether an organisation holds the evidence a listing tier requires (a submission guard). Implemented by the
/// evidence vault, so the workflow needs no knowledge of evidence items.
/// </summary>
public interface ITierEvidence
{
    /// <summary>What the organisation still lacks for <paramref name="tier"/>, one sentence per requirement; empty when met.</summary>
    Task<IReadOnlyList<string>> UnmetAsync(Guid organizationId, TierPolicy tier, CancellationToken ct);
}
