namespace Gatehouse.Cli.Commands;

/// <summary>The body of <c>GET /api/audit/gaps</c>: how many state changes lack their audit entry, and the oldest of them.</summary>
internal sealed class AuditGapsResponse
{
    public int? GapCount { get; init; }

    public IReadOnlyList<AuditGapWire>? Gaps { get; init; }
}
