namespace Gatehouse.Server.Charts;

/// <summary>What a chart says it is (Chart.yaml, as the scan read it: <see cref="Gatehouse.Analysis.Charts.ChartSummary"/>).</summary>
internal sealed record ChartIdentity(string Name, string Version, string? AppVersion);
