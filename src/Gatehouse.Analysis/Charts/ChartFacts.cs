namespace Gatehouse.Analysis.Charts;

/// <summary>
/// What the chart analyzer learned during one scan (one per scan, like <see cref="Images.ImageFacts"/>): the pipeline puts
/// <see cref="Summary"/> into the report as <c>ScanReport.Chart</c>.
/// </summary>
public sealed class ChartFacts
{
    /// <summary>Set by the chart analyzer once the chart was read (even when rendering failed); null for other artifacts.</summary>
    public ChartSummary? Summary { get; set; }
}
