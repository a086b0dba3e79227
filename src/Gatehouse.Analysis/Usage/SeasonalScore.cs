namespace Gatehouse.Analysis.Usage;

/// <summary>The evaluated hour against its hour-of-week baseline.</summary>
/// <param name="Observed">The hour's value.</param>
/// <param name="Expected">The EWMA of the same hour-of-week in earlier weeks.</param>
/// <param name="Z">Robust z-score of the log residual.</param>
/// <param name="Ratio">(observed + 1) / (expected + 1).</param>
internal sealed record SeasonalScore(double Observed, double Expected, double Z, double Ratio);
