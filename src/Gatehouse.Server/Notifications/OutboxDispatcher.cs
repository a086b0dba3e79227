using System.Security.Cryptography;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>What one dispatch pass did.</summary>
internal sealed record DispatchPass(int Attempted, int Delivered, int Retrying, int Dead);

/// <summary>
/// Delivers due outbox rows (state <c>pending</c>, <c>NextAttemptAt &lt;= now</c>). Safe with several
/// workers: a row is claimed with a conditional update that counts the attempt and pushes
/// <c>NextAttemptAt</c> out by the lease, so only one worker wins it, and a worker that dies
/// mid-attempt leaves a row that becomes due again when the lease lapses. Failures are retried
/// after 1 min, 5 min, 30 min, 2 h, then every 12 h (each plus up to 20 % jitter) until
/// <c>Notifications:MaxAttempts</c>; then the row is <c>dead</c>, logged and audited.
/// Delivery is at least once: receivers deduplicate by <c>Gatehouse-Delivery</c>.
/// </summary>
internal sealed class OutboxDispatcher(
    IServiceScopeFactory scopes, WebhookSender webhooks, EmailSender email, WebhookSigning signing, AuditLog audit,
    TimeProvider time, IOptions<NotificationsOptions> options, ILogger<OutboxDispatcher> logger)
{
    /// <summary>Retry delays after attempt 1, 2, 3, ...; the last repeats.</summary>
    public static readonly IReadOnlyList<TimeSpan> Backoff =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(12)];

    /// <summary>One pass: attempts every due row (up to <c>Notifications:BatchSize</c>) once. Tests call this directly.</summary>
    public async Task<DispatchPass> RunOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
            var now = time.GetUtcNow();
            due = await db.Outbox.AsNoTracking()
                .Where(m => m.State == OutboxStates.Pending && m.NextAttemptAt <= now)
                .OrderBy(m => m.NextAttemptAt)
                .Take(o.BatchSize)
                .Select(m => m.Id)
                .ToListAsync(ct);
        }
        int attempted = 0, delivered = 0, retrying = 0, dead = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, o.Concurrency), CancellationToken = ct },
            async (id, token) =>
            {
                var outcome = await AttemptAsync(id, token);
                if (outcome is null) return;
                Interlocked.Increment(ref attempted);
                _ = outcome switch
                {
                    OutboxStates.Delivered => Interlocked.Increment(ref delivered),
                    OutboxStates.Dead => Interlocked.Increment(ref dead),
                    _ => Interlocked.Increment(ref retrying),
                };
            });
        return new DispatchPass(attempted, delivered, retrying, dead);
    }

    /// <summary>Claims and attempts one row; returns its new state, or null when another worker had it.</summary>
    private async Task<string?> AttemptAsync(Guid id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatehouseDb>();
        var o = options.Value;
        var now = time.GetUtcNow();
        var row = await db.Outbox.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);
        if (row is null || row.State != OutboxStates.Pending || row.NextAttemptAt > now) return null;

        // The claim: counts the attempt and holds the row for the lease. The old Attempts value is the
        // version check, so of two workers that read the same row only one updates it.
        var attempt = row.Attempts + 1;
        var claimed = await db.Outbox
            .Where(m => m.Id == id && m.State == OutboxStates.Pending && m.Attempts == row.Attempts && m.NextAttemptAt <= now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Attempts, attempt)
                .SetProperty(m => m.NextAttemptAt, now + o.Lease), ct);
        if (claimed == 0) return null;

        DeliveryResult result;
        try
        {
            result = await DeliverAsync(db, row, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Delivering outbox message {Id} failed unexpectedly", id);
            result = DeliveryResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }

        var end = time.GetUtcNow();
        string state;
        DateTimeOffset next;
        if (result.Delivered)
        {
            state = OutboxStates.Delivered;
            next = end;
        }
        else if (result.Permanent || attempt >= o.MaxAttempts)
        {
            state = OutboxStates.Dead;
            next = end;
        }
        else
        {
            state = OutboxStates.Pending;
            next = end + RetryDelay(attempt);
        }
        var error = result.Error is null ? null : result.Error.Length > 1000 ? result.Error[..1000] : result.Error;
        // Only the claim holder records the outcome (the attempt count is still ours). A message given up is audited in
        // the same transaction as the state that says so.
        await using var tx = state == OutboxStates.Dead ? await db.Database.BeginTransactionAsync(ct) : null;
        var recorded = await db.Outbox
            .Where(m => m.Id == id && m.State == OutboxStates.Pending && m.Attempts == attempt)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.State, state)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.LastError, result.Delivered ? row.LastError : error)
                .SetProperty(m => m.DeliveredAt, result.Delivered ? end : null), ct);
        if (recorded == 0)
        {
            logger.LogWarning("Outbox message {Id}: the claim lapsed before attempt {Attempt} finished; its outcome was not recorded", id, attempt);
            return null;
        }

        if (state == OutboxStates.Pending)
            logger.LogInformation("{Channel} {Event} ({Id}) attempt {Attempt} failed: {Error}; next attempt at {Next:o}",
                row.Channel, row.Event, id, attempt, error, next);
        else if (state == OutboxStates.Dead)
        {
            logger.LogWarning("{Channel} {Event} ({Id}) is dead after {Attempt} attempts: {Error}", row.Channel, row.Event, id, attempt, error);
            audit.Record(db, new AuditEvent(AuditActions.NotificationDead, "system", row.OrganizationId?.ToString(), id.ToString(),
                Data: new { channel = row.Channel, @event = row.Event, webhookId = row.Channel == OutboxChannels.Webhook ? row.Recipient : null, attempts = attempt, error }));
            await db.SaveChangesAsync(ct);
        }
        if (tx is not null) await tx.CommitAsync(ct);
        return state;
    }

    private async Task<DeliveryResult> DeliverAsync(GatehouseDb db, OutboxMessage row, CancellationToken ct)
    {
        if (row.Channel == OutboxChannels.Email)
            return await email.SendAsync(row.Id, row.Recipient, row.PayloadJson, ct);
        if (row.Channel != OutboxChannels.Webhook)
            return DeliveryResult.Failed($"unknown channel '{row.Channel}'", permanent: true);

        var endpoint = Guid.TryParse(row.Recipient, out var endpointId)
            ? await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == endpointId, ct)
            : null;
        if (endpoint is null || !endpoint.Active) return DeliveryResult.Failed("the webhook endpoint was deleted", permanent: true);
        string secret;
        try
        {
            secret = signing.Unprotect(endpoint.ProtectedSecret);
        }
        catch (CryptographicException)
        {
            // The data-protection keys are gone or not shared with this machine: fixable, so retry.
            return DeliveryResult.Failed("cannot read the webhook secret (data-protection keys missing on this machine?)");
        }
        return await webhooks.SendAsync(endpoint.Url, secret, row.Event, row.Id, row.PayloadJson, ct);
    }

    /// <summary>Delay after failed attempt <paramref name="attempt"/> (1-based), plus up to 20 % jitter so that retries spread out.</summary>
    public static TimeSpan RetryDelay(int attempt)
    {
        var delay = Backoff[Math.Clamp(attempt - 1, 0, Backoff.Count - 1)];
        var jitter = RandomNumberGenerator.GetInt32(0, 1001) / 1000.0 * 0.2;
        return delay + delay * jitter;
    }
}
