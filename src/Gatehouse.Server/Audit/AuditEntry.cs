using Gatehouse.Analysis.Audit;

namespace Gatehouse.Server.Audit;

/// <summary>A row of the append-only, hash-chained audit log (see <see cref="AuditChain"/>).</summary>
public sealed class AuditEntry
{
    public long Sequence { get; set; }
    public long AtUnixMs { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? OrganizationId { get; set; }
    public string? Subject { get; set; }
    public string? ClientAddress { get; set; }
    public required string Data { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }

    public AuditEntryData ToData() =>
        new(Sequence, AtUnixMs, Actor, Action, OrganizationId, Subject, ClientAddress, Data, PreviousHash, Hash);

    public static AuditEntry From(AuditEntryData d) => new()
    {
        Sequence = d.Sequence, AtUnixMs = d.AtUnixMs, Actor = d.Actor, Action = d.Action,
        OrganizationId = d.OrganizationId, Subject = d.Subject, ClientAddress = d.ClientAddress,
        Data = d.Data, PreviousHash = d.PreviousHash, Hash = d.Hash,
    };
}
