namespace Gatehouse.Server.Charts;

/// <summary>
/// The Helm provenance (<c>.prov</c>) of a chart version, served next to the chart. Implemented by signing
/// (<c>Signing/ChartProvenanceSource.cs</c>), so the chart repository does not depend on how charts are signed.
/// </summary>
internal interface IChartProvenance
{
    /// <summary>The .prov text and the id of the key that signed it; null when the version is not signed (yet).</summary>
    Task<ChartProvenanceFile?> FindAsync(Guid versionId, CancellationToken ct);
}
