namespace Gatehouse.Cli.Commands;

/// <summary>Where and why the chain breaks.</summary>
internal sealed record AuditBreakReport(long Sequence, string Code, string Message);
