using Gatehouse.Analysis.Audit;

namespace Gatehouse.Cli.Commands;

/// <summary>
/// One audit entry as the server sends it. Everything is nullable so that a missing member is reported
/// as a bad response naming the member, not as a crash inside the hash computation.
/// </summary>
internal sealed class AuditEntryWire
{
    public long? Sequence { get; init; }

    public long? AtUnixMs { get; init; }

    public string? Actor { get; init; }

    public string? Action { get; init; }

    public string? OrganizationId { get; init; }

    public string? Subject { get; init; }

    public string? ClientAddress { get; init; }

    public string? Data { get; init; }

    public string? PreviousHash { get; init; }

    public string? Hash { get; init; }

    /// <summary>The entry as the chain sees it.</summary>
    /// <exception cref="CliException">A required member is missing (exit code 3).</exception>
    public AuditEntryData ToEntry()
    {
        var where = Sequence is long s ? $"audit entry #{s}" : "an audit entry";
        return new AuditEntryData(
            Sequence ?? throw Missing(where, "sequence"),
            AtUnixMs ?? throw Missing(where, "atUnixMs"),
            Actor ?? throw Missing(where, "actor"),
            Action ?? throw Missing(where, "action"),
            OrganizationId,
            Subject,
            ClientAddress,
            Data ?? throw Missing(where, "data"),
            PreviousHash ?? throw Missing(where, "previousHash"),
            Hash ?? throw Missing(where, "hash"));
    }

    private static CliException Missing(string where, string member) =>
        new(ExitCodes.Incomplete, CliErrorCodes.BadResponse, $"unexpected response to GET /api/audit: {where} has no '{member}'");
}
