namespace Gatehouse.Analysis.Charts;

/// <summary>YAML that does not parse, or hits a bound.</summary>
internal sealed class ChartYamlException(string message) : Exception(message);
