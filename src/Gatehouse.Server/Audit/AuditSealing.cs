using Gatehouse.Analysis.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Audit;

/// <summary>
/// Seals staged audit events onto the head of the chain inside the transaction that commits the changes they describe,
/// so a state change and its entry are committed together or not at all (issue 14). Writers are serialised in the
/// database, not in a process: on PostgreSQL by a transaction-scoped advisory lock on the chain head (released by the
/// commit or rollback of the same transaction, so a killed process never holds it), on SQLite by the write lock that
/// the transaction took when it began (<c>BEGIN IMMEDIATE</c>). The primary key on the sequence is the last guard: two
/// writers can never both extend the same head.
/// </summary>
internal static class AuditSealing
{
    /// <summary>The advisory lock that stands for the chain head ("gateaud").</summary>
    public const long ChainHeadLock = 0x6761_7465_6175_64;

    /// <summary>
    /// Takes the chain head, reads it and adds one sealed <see cref="AuditEntry"/> per event, in order, to
    /// <paramref name="db"/>. The caller has begun the transaction and saves and commits.
    /// </summary>
    public static async Task<IReadOnlyList<AuditEntry>> SealAsync(GatehouseDb db, IReadOnlyList<StagedAuditEvent> events, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("audit entries are sealed inside the transaction of the change they describe");
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({ChainHeadLock})", ct);

        var head = await db.AuditEntries.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(ct);
        var sequence = head?.Sequence ?? 0;
        var previous = head?.Hash ?? AuditChain.GenesisHash;
        var entries = new List<AuditEntry>(events.Count);
        foreach (var ev in events)
        {
            var entry = AuditChain.Seal(new AuditEntryData(
                Sequence: ++sequence, AtUnixMs: ev.AtUnixMs, Actor: ev.Actor, Action: ev.Action,
                OrganizationId: ev.OrganizationId, Subject: ev.Subject, ClientAddress: ev.ClientAddress,
                Data: ev.Data, PreviousHash: previous, Hash: ""));
            previous = entry.Hash;
            var row = AuditEntry.From(entry);
            db.AuditEntries.Add(row);
            entries.Add(row);
        }
        return entries;
    }
}
