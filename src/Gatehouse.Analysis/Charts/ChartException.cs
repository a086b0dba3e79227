namespace Gatehouse.Analysis.Charts;

/// <summary>
/// A chart that cannot be read or rendered safely. <see cref="Code"/> is the stable rule the scan reports
/// (<c>chart.unreadable</c>, <c>chart.unsafe-entry</c>, <c>chart.limit</c>).
/// </summary>
public sealed class ChartException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
