namespace Gatehouse.Server.Notifications;

/// <summary>
/// Runs <see cref="OutboxDispatcher.RunOnceAsync"/> on worker processes: at start, every
/// <c>Notifications:DispatchInterval</c>, and when this process queues a notification. Several
/// workers may run it at once; the dispatcher's claim keeps each attempt to one of them.
/// </summary>
internal sealed class OutboxDispatchLoop(
    OutboxDispatcher dispatcher, OutboxSignal signal, TimeProvider time, Microsoft.Extensions.Options.IOptions<NotificationsOptions> options,
    EmailSender email, IHostEnvironment environment, ILogger<OutboxDispatchLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!email.UsesSmtp && !environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
            logger.LogWarning("Notifications:Smtp:Host is not set: e-mail is written to {Directory}, not sent", email.MailDirectory);
        var interval = options.Value.DispatchInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await dispatcher.RunOnceAsync(stoppingToken);
                if (pass.Attempted > 0)
                    logger.LogDebug("Outbox pass: {Attempted} attempted, {Delivered} delivered, {Retrying} to retry, {Dead} dead",
                        pass.Attempted, pass.Delivered, pass.Retrying, pass.Dead);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Outbox dispatch pass failed; next try in {Interval}", interval);
            }
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                await Task.WhenAny(Task.Delay(interval, time, wake.Token), signal.WaitAsync(wake.Token));
            }
            finally
            {
                await wake.CancelAsync();
            }
        }
    }
}
