using System.Text.RegularExpressions;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>
/// An organisation's webhook endpoints' rules (docs/notifications.md): the owner creates and rotates, the owner or an
/// admin deletes; URLs Gatehouse will not call are refused; a webhook the caller may not see is "not found".
/// </summary>
internal sealed partial class OrganizationWebhooks(OrgAccess access, GatehouseDb db, WebhookAddressGuard guard, WebhookSigning signing, AuditLog audit,
    TimeProvider time, IOptions<NotificationsOptions> options)
{
    /// <summary>A new endpoint for the organisation (its owner): an allowed URL, event types, within the per-organisation limit.</summary>
    public async Task<Outcome<WebhookCreated>> CreateAsync(HttpContext http, Guid orgId, CreateWebhookRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Refusal.NotFound("Organization");
        if (!await access.CanManageAsync(http.User, orgId, ct)) return Refusal.Forbidden("only the organisation's owner creates webhooks");
        if (guard.CheckUrlForm(request.Url, out var uri) is { } bad) return Refusal.Invalid(bad);
        var events = (request.Events ?? []).Select(e => e?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (events.Count == 0) return Refusal.Invalid("events must list at least one event type, or \"*\" for all");
        if (events.FirstOrDefault(e => e != "*" && !EventPattern().IsMatch(e)) is { } wrong)
            return Refusal.Invalid($"'{wrong}' is not an event type (lower-case words separated by dots, e.g. version.approved, or \"*\")");
        var joined = events.Contains("*") ? "*" : string.Join(",", events);
        if (joined.Length > 1000) return Refusal.Invalid("events: at most 1000 characters in all");
        try
        {
            await guard.ResolveAllowedAsync(uri!.IdnHost, ct);
        }
        catch (WebhookRefusedException ex)
        {
            return new Refusal(StatusCodes.Status400BadRequest, ProblemCodes.WebhookUrlRefused, "Gatehouse will not call this URL", ex.Message);
        }
        if (await db.WebhookEndpoints.CountAsync(w => w.OrganizationId == orgId && w.AppId == null, ct) >= options.Value.MaxWebhooksPerOrganization)
            return Refusal.Conflict($"an organisation has at most {options.Value.MaxWebhooksPerOrganization} webhooks; delete one first");

        var now = time.GetUtcNow();
        var (secret, protectedSecret) = signing.NewSecret();
        var hook = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(now), OrganizationId = orgId, Url = uri.AbsoluteUri, ProtectedSecret = protectedSecret,
            Events = joined, Active = true, CreatedBy = http.User.Id(), CreatedAt = now,
        };
        db.WebhookEndpoints.Add(hook);
        // The endpoint and its audit entry commit together (issue 14).
        audit.Record(db, AuditEvent.By(http, AuditActions.WebhookCreated, orgId.ToString(), hook.Id.ToString(),
            new { url = hook.Url, events = hook.Events }));
        await db.SaveChangesAsync(ct);
        var info = WebhookInfo.From(hook);
        return new WebhookCreated(info.Id, info.OrganizationId, info.Url, info.Events, info.CreatedBy, info.CreatedAt, secret);
    }

    /// <summary>Deletes an endpoint (the owner or an admin); messages still waiting for it are dropped.</summary>
    public async Task<Outcome<Completed>> DeleteAsync(HttpContext http, Guid webhookId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var hook = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == webhookId && w.Active, ct);
        if (hook is null || !await access.CanSeeAsync(http.User, hook.OrganizationId, ct)) return Refusal.NotFound("Webhook");
        // Removing an endpoint is protective, so an admin may do it too; creating and rotating are the vendor's.
        if (!await access.CanManageMembersAsync(http.User, hook.OrganizationId, ct)) return Refusal.Forbidden("only the organisation's owner or an admin deletes webhooks");
        // The endpoint's removal, its undelivered messages' end and the audit entry commit together (issue 14).
        var id = hook.Id.ToString();
        var now = time.GetUtcNow();
        await db.InTransactionAsync(async () =>
        {
            // Messages still waiting for this endpoint have nowhere to go.
            var dropped = await db.Outbox
                .Where(m => m.Channel == OutboxChannels.Webhook && m.Recipient == id && m.State == OutboxStates.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxStates.Dead)
                    .SetProperty(m => m.LastError, "the webhook endpoint was deleted")
                    .SetProperty(m => m.NextAttemptAt, now), ct);
            db.WebhookEndpoints.Remove(hook);
            audit.Record(db, AuditEvent.By(http, AuditActions.WebhookDeleted, hook.OrganizationId.ToString(), id,
                new { url = hook.Url, undelivered = dropped }));
            await db.SaveChangesAsync(ct);
        }, ct);
        return Completed.Instance;
    }

    /// <summary>A new signing secret (the owner); the old one stops being used at once.</summary>
    public async Task<Outcome<WebhookSecret>> RotateSecretAsync(HttpContext http, Guid webhookId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        var hook = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == webhookId && w.Active, ct);
        if (hook is null || !await access.CanSeeAsync(http.User, hook.OrganizationId, ct)) return Refusal.NotFound("Webhook");
        if (!await access.CanManageAsync(http.User, hook.OrganizationId, ct)) return Refusal.Forbidden("only the organisation's owner rotates webhook secrets");
        var (secret, protectedSecret) = signing.NewSecret();
        hook.ProtectedSecret = protectedSecret;
        audit.Record(db, AuditEvent.By(http, AuditActions.WebhookSecretRotated, hook.OrganizationId.ToString(), hook.Id.ToString()));
        await db.SaveChangesAsync(ct);
        return new WebhookSecret(hook.Id, secret);
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*(\\.[a-z0-9*][a-z0-9-]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EventPattern();
}
