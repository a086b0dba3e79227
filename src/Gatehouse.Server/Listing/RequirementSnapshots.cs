using Gatehouse.Analysis.Requirements;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Listing;

/// <summary>
/// Keeps every (requirement, version) the server has ever shipped, with its exact text, so that a
/// version judged under an older catalogue can be read against the requirements as they were then.
/// </summary>
public sealed class RequirementSnapshots(GatehouseDb db, TimeProvider time, ILogger<RequirementSnapshots> logger)
{
    /// <summary>
    /// Stores requirements this catalogue adds. A requirement whose text changed without a new version
    /// number is refused: the server does not start (the catalogue's lock file test catches it earlier).
    /// </summary>
    public Task SyncAsync(RequirementCatalog catalog, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return SyncAsync(catalog.All, catalog.Version, ct);
    }

    /// <inheritdoc cref="SyncAsync(RequirementCatalog, CancellationToken)"/>
    public async Task SyncAsync(IEnumerable<Requirement> requirements, string catalogVersion, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var known = await db.RequirementSnapshots.AsNoTracking().Select(s => new { s.RequirementId, s.Version, s.Digest }).ToListAsync(ct);
        var byKey = known.ToDictionary(k => (k.RequirementId, k.Version), k => k.Digest);
        var now = time.GetUtcNow();
        var added = 0;
        foreach (var r in requirements)
        {
            if (byKey.TryGetValue((r.Id, r.Version), out var digest))
            {
                if (digest != r.Digest)
                    throw new InvalidOperationException($"requirement {r.Id} version {r.Version} changed without a new version number; bump its version (docs/guidelines.md)");
                continue;
            }
            db.RequirementSnapshots.Add(new RequirementSnapshot { RequirementId = r.Id, Version = r.Version, Digest = r.Digest, Json = r.CanonicalText(), FirstSeenAt = now });
            added++;
        }
        if (added == 0) return;
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Stored {Count} new requirement versions (catalogue {Version})", added, catalogVersion);
    }

    public Task<List<RequirementSnapshot>> HistoryAsync(string requirementId, CancellationToken ct) =>
        db.RequirementSnapshots.AsNoTracking().Where(s => s.RequirementId == requirementId).OrderByDescending(s => s.Version).ToListAsync(ct);
}
