using Microsoft.Extensions.Options;

namespace Gatehouse.Server.Notifications;

/// <summary>Registers the notifications feature: options, the notifier, senders, the dispatcher, and its loop on workers.</summary>
internal static class NotificationsSetup
{
    public static IServiceCollection AddGatehouseNotifications(this IServiceCollection services, StartupSettings s)
    {
        services.AddOptions<NotificationsOptions>().BindConfiguration(NotificationsOptions.Section)
            .PostConfigure(o => o.MailDirectory = string.IsNullOrWhiteSpace(o.MailDirectory)
                ? Path.Combine(s.DataDirectory, "mail") : Path.GetFullPath(o.MailDirectory, s.DataDirectory))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationsOptions>, NotificationsOptionsValidator>();
        services.AddScoped<Notifier>();
        services.AddScoped<OrganizationWebhooks>();
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
