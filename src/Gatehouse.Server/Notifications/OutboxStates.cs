namespace Gatehouse.Server.Notifications;

/// <summary>Values of <see cref="OutboxMessage.State"/>.</summary>
internal static class OutboxStates
{
    /// <summary>Waiting for its next attempt (<see cref="OutboxMessage.NextAttemptAt"/>), or being attempted.</summary>
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    /// <summary>Given up after the last attempt (or the webhook endpoint is gone).</summary>
    public const string Dead = "dead";
}

/// <summary>Values of <see cref="OutboxMessage.Channel"/>.</summary>
internal static class OutboxChannels
{
    public const string Webhook = "webhook";
    public const string Email = "email";
}
