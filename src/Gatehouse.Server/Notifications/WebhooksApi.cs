using System.Security.Claims;
using Gatehouse.Server.Data;
using Gatehouse.Server.Errors;
using Gatehouse.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gatehouse.Server.Notifications;

/// <summary>
/// An organisation's webhook endpoints and its recent deliveries (docs/notifications.md). Everyone who
/// sees the organisation may list them; its owner or an admin creates, deletes and rotates. An
/// organisation or webhook the caller may not see answers 404. Secrets are shown once, at creation
/// and rotation, and never again. The rules live in <see cref="OrganizationWebhooks"/>.
/// </summary>
internal static class WebhooksApi
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
        Guid orgId, CreateWebhookRequest request, HttpContext http, OrganizationWebhooks webhooks, CancellationToken ct)
    {
        var outcome = await webhooks.CreateAsync(http, orgId, request, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Created($"/api/orgs/{orgId}/webhooks", outcome.Value!);
    }

    public static async Task<Results<Ok<List<WebhookInfo>>, ProblemHttpResult>> List(
        Guid orgId, ClaimsPrincipal user, OrgAccess access, GatehouseDb db, CancellationToken ct)
    {
        if (!await access.CanSeeAsync(user, orgId, ct)) return Problems.NotFound("Organization");
        var rows = await db.WebhookEndpoints.AsNoTracking().Where(w => w.OrganizationId == orgId && w.AppId == null && w.Active).ToListAsync(ct);
        return TypedResults.Ok(rows.OrderBy(w => w.CreatedAt).Select(WebhookInfo.From).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        Guid webhookId, HttpContext http, OrganizationWebhooks webhooks, CancellationToken ct)
    {
        var outcome = await webhooks.DeleteAsync(http, webhookId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.NoContent();
    }

    public static async Task<Results<Ok<WebhookSecret>, ProblemHttpResult>> RotateSecret(
        Guid webhookId, HttpContext http, OrganizationWebhooks webhooks, CancellationToken ct)
    {
        var outcome = await webhooks.RotateSecretAsync(http, webhookId, ct);
        return outcome.Refusal is { } refusal ? refusal.ToProblem() : TypedResults.Ok(outcome.Value!);
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
}
