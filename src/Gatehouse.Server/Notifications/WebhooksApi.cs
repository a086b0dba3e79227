using System.Security.Claims;
using System.Text.RegularExpressions;
using Gatehouse.Server.Audit;
using Gatehouse.Server.Data;
using Gatehouse.Server.Developers;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>
/// An organisation's webhook endpoints and its recent deliveries (docs/notifications.md). Everyone who
/// sees the organisation may list them; its owner or an admin creates, deletes and rotates. An
/// organisation or webhook the caller may not see answers 404. Secrets are shown once, at creation
/// and rotation, and never again.
/// </summary>
public static partial class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var orgs = app.MapGroup("/api/orgs/{orgId:guid}").WithTags("Notifications");
        orgs.MapPost("/webhooks", Create).RequireAuthorization(Policies.Write).WithName("CreateWebhook").WithSummary("Create a webhook for an organisation's events.");
        orgs.MapGet("/webhooks", List).RequireAuthorization(Policies.Read).WithName("ListWebhooks").WithSummary("List an organisation's webhooks.");
        orgs.MapGet("/deliveries", Deliveries).RequireAuthorization(Policies.Read).WithName("ListWebhookDeliveries").WithSummary("List recent webhook deliveries of an organisation.");
        var hooks = app.MapGroup("/api/webhooks").WithTags("Notifications");
        hooks.MapDelete("/{webhookId:guid}", Delete).RequireAuthorization(Policies.Write).WithName("DeleteWebhook").WithSummary("Delete a webhook.");
        hooks.MapPost("/{webhookId:guid}/rotate-secret", RotateSecret).RequireAuthorization(Policies.Write).WithName("RotateWebhookSecret").WithSummary("Replace a webhook's signing secret.");
        return app;
    }

    public static async Task<Results<Created<WebhookCreated>, ProblemHttpResult>> Create(
        Guid orgId, CreateWebhookRequest request, HttpContext http, OrgAccess access, GatehouseDb db, WebhookAddressGuard guard,
        WebhookSigning signing, AuditLog audit, TimeProvider time, IOptions<NotificationsOptions> options, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(http.User, orgId, ct)) return Problems.NotFound("Organization");
        if (!await access.CanManageAsync(http.User, orgId, ct)) return Problems.Forbidden("only the organisation's owner creates webhooks");
        if (guard.CheckUrlForm(request.Url, out var uri) is { } bad) return Problems.Invalid(bad);
        var events = (request.Events ?? []).Select(e => e?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        if (events.Count == 0) return Problems.Invalid("events must list at least one event type, or \"*\" for all");
        if (events.FirstOrDefault(e => e != "*" && !EventPattern().IsMatch(e)) is { } wrong)
            return Problems.Invalid($"'{wrong}' is not an event type (lower-case words separated by dots, e.g. version.approved, or \"*\")");
        var joined = events.Contains("*") ? "*" : string.Join(",", events);
        if (joined.Length > 1000) return Problems.Invalid("events: at most 1000 characters in all");
        try
        {
            await guard.ResolveAllowedAsync(uri!.IdnHost, ct);
        }
        catch (WebhookRefusedException ex)
        {
            return Problems.Of(StatusCodes.Status400BadRequest, ProblemCodes.WebhookUrlRefused, "Gatehouse will not call this URL", ex.Message);
        }
        if (await db.WebhookEndpoints.CountAsync(w => w.OrganizationId == orgId && w.AppId == null, ct) >= options.Value.MaxWebhooksPerOrganization)
            return Problems.Conflict($"an organisation has at most {options.Value.MaxWebhooksPerOrganization} webhooks; delete one first");

        var now = time.GetUtcNow();
        var (secret, protectedSecret) = signing.NewSecret();
        var hook = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(now), OrganizationId = orgId, Url = uri.AbsoluteUri, ProtectedSecret = protectedSecret,
            Events = joined, Active = true, CreatedBy = http.User.Id(), CreatedAt = now,
        };
        db.WebhookEndpoints.Add(hook);
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.WebhookCreated, orgId.ToString(), hook.Id.ToString(),
            new { url = hook.Url, events = hook.Events }), ct);
        var info = WebhookInfo.From(hook);
        return TypedResults.Created($"/api/orgs/{orgId}/webhooks",
            new WebhookCreated(info.Id, info.OrganizationId, info.Url, info.Events, info.CreatedBy, info.CreatedAt, secret));
    }

    public static async Task<Results<Ok<List<WebhookInfo>>, ProblemHttpResult>> List(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        var rows = await db.WebhookEndpoints.AsNoTracking().Where(w => w.OrganizationId == orgId && w.AppId == null && w.Active).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderBy(w => w.CreatedAt).Select(WebhookInfo.From).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid webhookId, HttpContext http, OrgAccess access, GatehouseDb db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var hook = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == webhookId && w.Active, ct);
        if (hook is null || !await access.CanSeeAsync(http.User, hook.OrganizationId, ct)) return Problems.NotFound("Webhook");
        // Removing an endpoint is protective, so an admin may do it too; creating and rotating are the vendor's.
        if (!await access.CanManageMembersAsync(http.User, hook.OrganizationId, ct)) return Problems.Forbidden("only the organisation's owner or an admin deletes webhooks");
        db.WebhookEndpoints.Remove(hook);
        await db.SaveChangesAsync(ct);
        // Messages still waiting for this endpoint have nowhere to go.
        var id = hook.Id.ToString();
        var now = time.GetUtcNow();
        var dropped = await db.Outbox
            .Where(m => m.Channel == OutboxChannels.Webhook && m.Recipient == id && m.State == OutboxStates.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxStates.Dead)
                .SetProperty(m => m.LastError, "the webhook endpoint was deleted")
                .SetProperty(m => m.NextAttemptAt, now), ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.WebhookDeleted, hook.OrganizationId.ToString(), id,
            new { url = hook.Url, undelivered = dropped }), ct);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<WebhookSecret>, ProblemHttpResult>> RotateSecret(
        Guid webhookId, HttpContext http, OrgAccess access, GatehouseDb db, WebhookSigning signing, AuditLog audit, CancellationToken ct)
    {
        var hook = await db.WebhookEndpoints.FirstOrDefaultAsync(w => w.Id == webhookId && w.Active, ct);
        if (hook is null || !await access.CanSeeAsync(http.User, hook.OrganizationId, ct)) return Problems.NotFound("Webhook");
        if (!await access.CanManageAsync(http.User, hook.OrganizationId, ct)) return Problems.Forbidden("only the organisation's owner rotates webhook secrets");
        var (secret, protectedSecret) = signing.NewSecret();
        hook.ProtectedSecret = protectedSecret;
        await db.SaveChangesAsync(ct);
        await audit.AppendAsync(AuditEvent.By(http, AuditActions.WebhookSecretRotated, hook.OrganizationId.ToString(), hook.Id.ToString()), ct);
        return TypedResults.Ok(new WebhookSecret(hook.Id, secret));
    }

    public static async Task<Results<Ok<List<DeliveryInfo>>, ProblemHttpResult>> Deliveries(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct, int limit = 100)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        if (limit is < 1 or > 1000) return Problems.Invalid("limit must be between 1 and 1000");
        var rows = await db.Outbox.AsNoTracking().Where(m => m.OrganizationId == orgId)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(limit)
            .Select(m => new DeliveryInfo(m.Id, m.Channel, m.Event, m.Recipient, m.State, m.Attempts, m.NextAttemptAt, m.LastError, m.CreatedAt, m.DeliveredAt))
            .ToListAsync(ct);
        return TypedResults.Ok(rows);
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*(\\.[a-z0-9*][a-z0-9-]*)+$", RegexOptions.CultureInvariant)]
    private static partial Regex EventPattern();
}

public sealed record CreateWebhookRequest(string? Url, string[]? Events);

/// <summary>A webhook endpoint as the API shows it (never its secret).</summary>
public sealed record WebhookInfo(Guid Id, Guid OrganizationId, string Url, string[] Events, string CreatedBy, DateTimeOffset CreatedAt)
{
    internal static WebhookInfo From(WebhookEndpoint w) =>
        new(w.Id, w.OrganizationId, w.Url, w.Events.Split(',', StringSplitOptions.RemoveEmptyEntries), w.CreatedBy, w.CreatedAt);
}

/// <summary>The answer to creating a webhook: its details and the signing secret, shown this once.</summary>
public sealed record WebhookCreated(Guid Id, Guid OrganizationId, string Url, string[] Events, string CreatedBy, DateTimeOffset CreatedAt, string Secret);

/// <summary>A new signing secret, shown this once; the old one stops being used at once.</summary>
public sealed record WebhookSecret(Guid Id, string Secret);

/// <summary>One outbox row: a webhook call (recipient: the webhook id) or an e-mail (recipient: the address).</summary>
public sealed record DeliveryInfo(Guid Id, string Channel, string Event, string Recipient, string State, int Attempts,
    DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);
