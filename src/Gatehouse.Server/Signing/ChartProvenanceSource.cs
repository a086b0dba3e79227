using Gatehouse.Server.Charts;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Signing;

/// <summary>The chart repository's source of <c>.prov</c> files (<see cref="IChartProvenance"/>): the version's <c>prov</c> row.</summary>
internal sealed class ChartProvenanceSource(GatehouseDb db) : IChartProvenance
{
    public async Task<ChartProvenanceFile?> FindAsync(Guid versionId, CancellationToken ct)
    {
        var row = await db.Set<ArtifactSignature>().AsNoTracking()
            .FirstOrDefaultAsync(x => x.VersionId == versionId && x.Kind == ArtifactSignatureKinds.Provenance, ct);
        return row is null ? null : new ChartProvenanceFile(row.Content, row.KeyId);
    }
}
