
namespace Gatehouse.Cli.Commands;

/// <summary>The body of <c>GET /api/audit?after=SEQ&amp;limit=N</c>.</summary>
internal sealed class AuditPageResponse
{
    public IReadOnlyList<AuditEntryWire>? Entries { get; init; }

    /// <summary>The <c>after</c> value of the next page; null on the last page.</summary>
    public long? Next { get; init; }
}
