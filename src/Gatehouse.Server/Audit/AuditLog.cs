using System.Security.Claims;
using System.Text.Json;
using Gatehouse.Analysis.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Audit;

/// <summary>What happened, before it is sealed into the chain.</summary>
/// <param name="Action">Stable action ID, e.g. <c>auth.login.succeeded</c> (see <see cref="AuditActions"/>).</param>
/// <param name="Actor">User id, <c>system</c> or <c>anonymous</c>.</param>
public sealed record AuditEvent(
    string Action,
    string Actor,
    string? OrganizationId = null,
    string? Subject = null,
    string? ClientAddress = null,
    object? Data = null)
{
    /// <summary>An event done by the caller of <paramref name="http"/>.</summary>
    public static AuditEvent By(HttpContext http, string action, string? organizationId = null, string? subject = null, object? data = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var actor = http.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous";
        return new AuditEvent(action, actor, organizationId, subject, http.Connection.RemoteIpAddress?.ToString(), data);
    }
}

/// <summary>
/// Appends to the hash-chained audit log. Appends are serialised: in-process by a lock, across
/// processes by a PostgreSQL advisory lock (or SQLite's single writer) plus the primary key on the
/// sequence, so two writers can never both extend the same head.
/// </summary>
public sealed class AuditLog(IServiceScopeFactory scopes, TimeProvider time, ILogger<AuditLog> logger)
{
    private const long AdvisoryLockKey = 0x6761_7465_6175_64; // "gateaud"
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web);

    /// <summary>Seals <paramref name="ev"/> onto the head of the chain and returns the stored entry.</summary>
    public async Task<AuditEntryData> AppendAsync(AuditEvent ev, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ev);
        var data = ev.Data is null ? "{}" : JsonSerializer.Serialize(ev.Data, DataJson);
        await Gate.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await AppendOnceAsync(ev, data, ct);
                }
                catch (DbUpdateException ex) when (attempt < 5)
                {
                    // Another process extended the head first; read the new head and try again.
                    logger.LogDebug(ex, "Audit append raced with another writer (attempt {Attempt})", attempt);
                }
            }
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<AuditEntryData> AppendOnceAsync(AuditEvent ev, string data, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);

        var head = await db.AuditEntries.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(ct);
        var entry = AuditChain.Seal(new AuditEntryData(
            Sequence: (head?.Sequence ?? 0) + 1,
            AtUnixMs: time.GetUtcNow().ToUnixTimeMilliseconds(),
            Actor: ev.Actor,
            Action: ev.Action,
            OrganizationId: ev.OrganizationId,
            Subject: ev.Subject,
            ClientAddress: ev.ClientAddress,
            Data: data,
            PreviousHash: head?.Hash ?? AuditChain.GenesisHash,
            Hash: ""));
        db.AuditEntries.Add(AuditEntry.From(entry));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return entry;
    }
}
