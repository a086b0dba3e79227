namespace Gatehouse.Cli.Commands;

/// <summary>The chart folder cannot be packed (a link, a path too long, too big); the message says which.</summary>
internal sealed class ChartPackException(string message) : Exception(message);
