using System.Text.Json;
using Gatehouse.Server.Data;
using Gatehouse.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Notifications;

/// <summary>
/// Queues notifications in the outbox: to a vendor organisation (its webhook endpoints and its members'
/// email) or to staff (reviewers' and admins' email). Delivery happens later, with retries
/// (<see cref="OutboxDispatcher"/>). The outbox rows join the caller's unit of work: each method only adds them, and
/// the caller's save commits them in the same transaction as the change they announce (issue 14), so a change is
/// never committed without its notifications, nor a notification without its change. The dispatch loop is woken once
/// they are committed.
/// </summary>
public sealed class Notifier(GatehouseDb db, TimeProvider time, OutboxSignal signal)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Adds <paramref name="eventType"/> with <paramref name="data"/> for the organisation to the unit of work.</summary>
    /// <remarks>One webhook row per active endpoint subscribed to the event (<c>*</c> or listed) and one e-mail row per member.</remarks>
    public async Task QueueForOrganizationAsync(Guid orgId, string eventType, object data, CancellationToken ct)
    {
        CheckEventType(eventType);
        var now = time.GetUtcNow();
        var payload = Envelope(Guid.CreateVersion7(now), eventType, now, orgId, data);

        var endpoints = await db.WebhookEndpoints.AsNoTracking()
            .Where(w => w.OrganizationId == orgId && w.AppId == null && w.Active)
            .Select(w => new { w.Id, w.Events })
            .ToListAsync(ct);
        foreach (var w in endpoints.Where(w => Subscribes(w.Events, eventType)).OrderBy(w => w.Id))
            db.Outbox.Add(Row(OutboxChannels.Webhook, orgId, eventType, w.Id.ToString(), payload, now));

        var emails = await (from m in db.OrganizationMembers
                            join u in db.Users on m.UserId equals u.Id
                            where m.OrganizationId == orgId && u.Email != null
                            select u.Email!).ToListAsync(ct);
        foreach (var email in emails.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
            db.Outbox.Add(Row(OutboxChannels.Email, orgId, eventType, email, payload, now));

        WakeAfterCommit();
    }

    /// <summary>
    /// Queues an app lifecycle event (<c>app.installed</c>, …) for the app's own webhook endpoints
    /// (<see cref="WebhookEndpoint.AppId"/>), in the unit of work. Signed and retried like every webhook.
    /// </summary>
    public async Task QueueForAppAsync(Guid appId, Guid organizationId, string eventType, object data, CancellationToken ct)
    {
        CheckEventType(eventType);
        var now = time.GetUtcNow();
        var payload = Envelope(Guid.CreateVersion7(now), eventType, now, organizationId, data);
        var endpoints = await db.WebhookEndpoints.AsNoTracking()
            .Where(w => w.AppId == appId && w.Active)
            .Select(w => new { w.Id, w.Events })
            .ToListAsync(ct);
        foreach (var w in endpoints.Where(w => Subscribes(w.Events, eventType)).OrderBy(w => w.Id))
            db.Outbox.Add(Row(OutboxChannels.Webhook, organizationId, eventType, w.Id.ToString(), payload, now));
        WakeAfterCommit();
    }

    /// <summary>Adds <paramref name="eventType"/> for staff (reviewers and admins) to the unit of work.</summary>
    public async Task QueueForStaffAsync(string eventType, object data, CancellationToken ct)
    {
        CheckEventType(eventType);
        var now = time.GetUtcNow();
        var payload = Envelope(Guid.CreateVersion7(now), eventType, now, null, data);
        string[] staffRoles = [Roles.Admin, Roles.Reviewer];
        var emails = await (from ur in db.UserRoles
                            join r in db.Roles on ur.RoleId equals r.Id
                            join u in db.Users on ur.UserId equals u.Id
                            where staffRoles.Contains(r.Name!) && u.Email != null
                            select u.Email!).ToListAsync(ct);
        foreach (var email in emails.Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal))
            db.Outbox.Add(Row(OutboxChannels.Email, null, eventType, email, payload, now));
        WakeAfterCommit();
    }

    /// <summary>Purpose of the data protector for secrets an e-mail carries (an invitation's link with its token).</summary>
    public const string EmailSecretPurpose = "Gatehouse.Outbox.EmailSecret";

    /// <summary>
    /// Adds one e-mail to <paramref name="address"/> (an invitation) to the unit of work. <paramref name="secretLink"/> is
    /// encrypted with data protection in the outbox row (a field ending in <c>Protected</c>) and decrypted only when
    /// the e-mail is built, so the database never holds it in clear.
    /// </summary>
    public Task QueueEmailAsync(string address, string eventType, Dictionary<string, object?> data, string? secretLink,
        Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(protection);
        CheckEventType(eventType);
        var now = time.GetUtcNow();
        if (secretLink is not null) data["linkProtected"] = Microsoft.AspNetCore.DataProtection.DataProtectionCommonExtensions.Protect(protection.CreateProtector(EmailSecretPurpose), secretLink);
        var payload = Envelope(Guid.CreateVersion7(now), eventType, now, null, data);
        db.Outbox.Add(Row(OutboxChannels.Email, null, eventType, address, payload, now));
        WakeAfterCommit();
        return Task.CompletedTask;
    }

    private void WakeAfterCommit() => db.AfterCommit(signal.Wake);

    /// <summary>True when an endpoint's <see cref="WebhookEndpoint.Events"/> (<c>*</c> or a comma list) covers <paramref name="eventType"/>.</summary>
    public static bool Subscribes(string events, string eventType) =>
        (events ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(e => e == "*" || string.Equals(e, eventType, StringComparison.Ordinal));

    /// <summary>The JSON every channel carries: <c>{id, type, createdAt, organizationId, data}</c>.</summary>
    internal static string Envelope(Guid id, string eventType, DateTimeOffset createdAt, Guid? orgId, object data) =>
        JsonSerializer.Serialize(new NotificationEnvelope(id, eventType, createdAt, orgId, data), Json);

    private static OutboxMessage Row(string channel, Guid? orgId, string eventType, string recipient, string payload, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now), OrganizationId = orgId, Channel = channel, Event = eventType, Recipient = recipient,
        PayloadJson = payload, State = OutboxStates.Pending, Attempts = 0, NextAttemptAt = now, CreatedAt = now,
    };

    private static void CheckEventType(string eventType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        if (eventType.Length > 60) throw new ArgumentException("event types have at most 60 characters", nameof(eventType));
    }
}

/// <summary>What webhooks receive as the body and what e-mails are built from.</summary>
internal sealed record NotificationEnvelope(Guid Id, string Type, DateTimeOffset CreatedAt, Guid? OrganizationId, object Data);

/// <summary>
/// Wakes this process's dispatch loop when a notification is queued, so that delivery in a
/// single-process installation does not wait for the next interval. Other processes find the rows
/// on their next pass.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Wake()
    {
        try { _semaphore.Release(); }
        catch (SemaphoreFullException) { } // already signalled
    }

    internal Task WaitAsync(CancellationToken ct) => _semaphore.WaitAsync(ct);
}
