using Gatehouse.Server.Data;
using Gatehouse.Server.Listing;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Evidence;

/// <summary>The outcome of checking an organisation's evidence against a tier.</summary>
/// <param name="Unmet">One line per unmet requirement, starting with a stable reason code.</param>
public sealed record TierCheck(bool Met, IReadOnlyList<string> Unmet);

/// <summary>Does an organisation's verified, unexpired evidence meet what a tier requires?</summary>
public sealed class EvidenceGuard(GatehouseDb db, TimeProvider time) : Apps.ITierEvidence
{
    public const string ReasonMissing = "evidence.missing";

    public async Task<TierCheck> CheckAsync(Guid orgId, TierPolicy tier, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tier);
        if (tier.RequiredEvidence.Count == 0) return new TierCheck(true, []);
        var now = time.GetUtcNow();
        var valid = await db.EvidenceItems.AsNoTracking()
            .Where(e => e.OrganizationId == orgId && e.Status == EvidenceStatus.Verified && e.ValidFrom <= now && e.ValidUntil > now)
            .ToListAsync(ct);
        var unmet = new List<string>();
        foreach (var req in tier.RequiredEvidence)
        {
            var ok = valid.Any(e => req.AnyOf.Contains(e.Type) && (req.MaxAgeDays is not { } days || e.ValidFrom >= now.AddDays(-days)));
            if (!ok)
                unmet.Add($"{ReasonMissing}: verified, unexpired {string.Join(" or ", req.AnyOf)}"
                    + (req.MaxAgeDays is { } d ? $" dated within the last {d} days" : ""));
        }
        return new TierCheck(unmet.Count == 0, unmet);
    }

    async Task<IReadOnlyList<string>> Apps.ITierEvidence.UnmetAsync(Guid organizationId, TierPolicy tier, CancellationToken ct) =>
        (await CheckAsync(organizationId, tier, ct)).Unmet;
}
