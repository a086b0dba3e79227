using System.Text.Json;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Jobs;
using Gatehouse.Server.Listing;
using Gatehouse.Server.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Evidence;

/// <summary>
/// Tracks the expiry of verified evidence (scheduled every <c>Jobs:EvidenceExpiryInterval</c> by the
/// reconciler): an item entering the listing policy's warning window is announced once as
/// <c>evidence.expiring</c>, and once past <c>validUntil</c> as <c>evidence.expired</c> (an item found already
/// expired gets only the latter). Each notice is claimed with a conditional update in the same transaction
/// as its outbox message, so overlapping runs and re-deliveries never send one twice.
/// </summary>
internal sealed class EvidenceExpiryHandler(
    GatehouseDb db, ListingPolicies listing, Notifier notifier, AuditLog audit, TimeProvider time, ILogger<EvidenceExpiryHandler> logger) : IWorkHandler
{
    public const string KindName = "evidence.expiry";
    public const string ExpiringEvent = "evidence.expiring";
    public const string ExpiredEvent = "evidence.expired";
    public string Kind => KindName;

    public async Task<string?> RunAsync(WorkItem item, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var warningDays = (await listing.CurrentAsync(ct)).Policy.EvidenceExpiryWarningDays;
        var horizon = now.AddDays(warningDays);

        var expired = await db.EvidenceItems.AsNoTracking()
            .Where(e => e.Status == EvidenceStatus.Verified && e.ExpiredNotifiedAt == null && e.ValidUntil <= now)
            .ToListAsync(ct);
        var sentExpired = 0;
        foreach (var e in expired)
        {
            if (await ClaimAndNotifyAsync(e, expiredNotice: true, now, ct)) sentExpired++;
        }

        var expiring = await db.EvidenceItems.AsNoTracking()
            .Where(e => e.Status == EvidenceStatus.Verified && e.ExpiryWarnedAt == null && e.ExpiredNotifiedAt == null
                && e.ValidUntil > now && e.ValidUntil <= horizon)
            .ToListAsync(ct);
        var sentExpiring = 0;
        foreach (var e in expiring)
        {
            if (await ClaimAndNotifyAsync(e, expiredNotice: false, now, ct)) sentExpiring++;
        }

        if (sentExpired + sentExpiring > 0)
            logger.LogInformation("Evidence expiry: {Expiring} expiring and {Expired} expired notices queued", sentExpiring, sentExpired);
        return JsonSerializer.Serialize(new { expiring = sentExpiring, expired = sentExpired, warningDays }, JsonSerializerOptions.Web);
    }

    private async Task<bool> ClaimAndNotifyAsync(EvidenceItem e, bool expiredNotice, DateTimeOffset now, CancellationToken ct)
    {
        bool claimed;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var q = db.EvidenceItems.Where(x => x.Id == e.Id && x.Status == EvidenceStatus.Verified);
            claimed = expiredNotice
                ? await q.Where(x => x.ExpiredNotifiedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiredNotifiedAt, now), ct) == 1
                : await q.Where(x => x.ExpiryWarnedAt == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiryWarnedAt, now), ct) == 1;
            if (claimed)
            {
                var daysLeft = Math.Max(0, (int)Math.Ceiling((e.ValidUntil - now).TotalDays));
                await notifier.QueueForOrganizationAsync(e.OrganizationId, expiredNotice ? ExpiredEvent : ExpiringEvent,
                    new { evidenceId = e.Id, e.Type, e.Issuer, e.ValidUntil, daysLeft }, ct);
                // The claim, the notice and the audit entry commit together.
                audit.Record(db, new AuditEvent(expiredNotice ? AuditActions.EvidenceExpired : AuditActions.EvidenceExpiryWarned, "system",
                    e.OrganizationId.ToString(), e.Id.ToString(), Data: new { e.Type, e.ValidUntil }));
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        return claimed;
    }
}
