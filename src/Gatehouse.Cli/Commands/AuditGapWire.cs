namespace Gatehouse.Cli.Commands;

/// <summary>
/// A state change the server holds without an audit entry (<c>GET /api/audit/gaps</c>), as sent; also how
/// <c>audit verify --format json</c> prints it.
/// </summary>
/// <param name="Kind">What changed: <c>transition</c>, <c>decision</c>, <c>upload</c>, <c>token.issued</c>, … (docs/audit.md#gaps).</param>
/// <param name="Subject">The id the missing entry would carry.</param>
/// <param name="Action">The audit action that is missing.</param>
/// <param name="At">When the server's state says it happened.</param>
/// <param name="Detail">What the state row says.</param>
internal sealed record AuditGapWire(string Kind, string Subject, string Action, DateTimeOffset At, string Detail);
