using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>Registers the notifications feature: options, senders, the dispatcher, and its loop on workers.</summary>
internal static class NotificationsSetup
{
    public static IServiceCollection AddGatehouseNotifications(this IServiceCollection services, StartupSettings s)
    {
        services.AddOptions<NotificationsOptions>().BindConfiguration(NotificationsOptions.Section)
            .PostConfigure(o => o.MailDirectory = string.IsNullOrWhiteSpace(o.MailDirectory)
                ? Path.Combine(s.DataDirectory, "mail") : Path.GetFullPath(o.MailDirectory, s.DataDirectory))
            .Validate(o => o.MaxAttempts is >= 1 and <= 50, "Notifications:MaxAttempts must be between 1 and 50")
            .Validate(o => o.DispatchInterval > TimeSpan.Zero, "Notifications:DispatchInterval must be positive")
            .Validate(o => o.WebhookTimeout > TimeSpan.Zero && o.WebhookTimeout <= TimeSpan.FromMinutes(5), "Notifications:WebhookTimeout must be between 0 and 5 minutes")
            .Validate(o => o.Lease > o.WebhookTimeout + TimeSpan.FromSeconds(30), "Notifications:Lease must exceed Notifications:WebhookTimeout by at least 30 seconds (SMTP needs time too)")
            .Validate(o => o.BatchSize > 0 && o.Concurrency > 0 && o.MaxWebhooksPerOrganization > 0, "Notifications:BatchSize, Concurrency and MaxWebhooksPerOrganization must be positive")
            .Validate(o => o.ParseAllowList() is not null, "Notifications:AllowedWebhookHosts must list host names, IP addresses or CIDR networks, separated by commas")
            .Validate(o => o.Smtp.Port is > 0 and < 65536, "Notifications:Smtp:Port must be a TCP port")
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.Smtp.From, out _), "Notifications:Smtp:From must be an e-mail address")
            .ValidateOnStart();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<WebhookAddressGuard>();
        services.AddSingleton<WebhookSigning>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<EmailSender>();
        services.AddSingleton<OutboxDispatcher>();
        if (s.Gatehouse.IsWorker)
            services.AddHostedService<OutboxDispatchLoop>();
        return services;
    }
}
