namespace Gatehouse.Server.Notifications;

/// <summary>
/// One notification to deliver (a webhook call or an email), written in the same unit of work as the
/// change it reports and delivered afterwards with retries and back-off (the outbox pattern).
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public Guid? OrganizationId { get; set; }
    /// <summary><c>webhook</c> or <c>email</c>.</summary>
    public required string Channel { get; set; }
    /// <summary>Event type, e.g. <c>version.approved</c>, <c>evidence.expiring</c>.</summary>
    public required string Event { get; set; }
    /// <summary>Webhook endpoint id (webhook) or address (email).</summary>
    public required string Recipient { get; set; }
    public required string PayloadJson { get; set; }
    /// <summary><c>pending</c>, <c>delivered</c> or <c>dead</c> (gave up after the last attempt).</summary>
    public required string State { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>Where an organisation wants its webhooks (signed with HMAC-SHA256 over timestamp and body).</summary>
public sealed class WebhookEndpoint
{
    public Guid Id { get; set; }
    public Guid OrganizationId { get; set; }
    /// <summary>
    /// Set for an app's lifecycle webhook (<c>app.installed</c>, <c>app.uninstalled</c>, <c>app.suspended</c>,
    /// <c>app.reinstated</c>), which receives only the events of that app; null for the organisation's own endpoints.
    /// </summary>
    public Guid? AppId { get; set; }
    public required string Url { get; set; }
    /// <summary>The signing secret, encrypted with ASP.NET Core data protection (it must be recoverable to sign).</summary>
    public required string ProtectedSecret { get; set; }
    /// <summary>Comma-separated event types, or <c>*</c>.</summary>
    public required string Events { get; set; }
    public bool Active { get; set; } = true;
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
