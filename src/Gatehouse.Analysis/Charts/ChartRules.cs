using Gatehouse.Analysis.Pipeline;

namespace Gatehouse.Analysis.Charts;

/// <summary>The chart analyzer's own rules (issue 18 §1–2): the chart as an archive and a package (Chart.yaml, Chart.lock, values schema) and its rendering.</summary>
public static class ChartRules
{
    /// <summary>Every rule, for <c>gatehouse rules</c>.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } = [];
}
