namespace Gatehouse.Server.Notifications;

/// <summary>One outbox row: a webhook call (recipient: the webhook id) or an e-mail (recipient: the address).</summary>
internal sealed record DeliveryInfo(Guid Id, string Channel, string Event, string Recipient, string State, int Attempts,
    DateTimeOffset NextAttemptAt, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);
