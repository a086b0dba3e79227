using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>The rule of section <c>Notifications</c> that spans two settings: a claim outlasts a webhook call and an SMTP send.</summary>
internal sealed class NotificationsOptionsValidator : IValidateOptions<NotificationsOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Lease > options.WebhookTimeout + TimeSpan.FromSeconds(30)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Notifications:Lease must exceed Notifications:WebhookTimeout by at least 30 seconds (SMTP needs time too)");
    }
}
