using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Agreements;

/// <summary>Has an organisation accepted the current developer agreement?</summary>
public sealed class AgreementGuard(GatehouseDb db)
{
    /// <summary>The version the organisation still has to accept, or null when it is up to date (or none is published).</summary>
    public async Task<int?> PendingVersionAsync(Guid orgId, CancellationToken ct)
    {
        var current = await db.Agreements.AsNoTracking().OrderByDescending(a => a.Version).Select(a => (int?)a.Version).FirstOrDefaultAsync(ct);
        if (current is null) return null;
        var accepted = await db.AgreementAcceptances.AnyAsync(a => a.OrganizationId == orgId && a.AgreementVersion == current, ct);
        return accepted ? null : current;
    }
}
