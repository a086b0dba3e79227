namespace Gatehouse.Server.Notifications;

/// <summary>A webhook endpoint as the API shows it (never its secret).</summary>
internal sealed record WebhookInfo(Guid Id, Guid OrganizationId, string Url, string[] Events, string CreatedBy, DateTimeOffset CreatedAt)
{
    internal static WebhookInfo From(WebhookEndpoint w) =>
        new(w.Id, w.OrganizationId, w.Url, w.Events.Split(',', StringSplitOptions.RemoveEmptyEntries), w.CreatedBy, w.CreatedAt);
}
