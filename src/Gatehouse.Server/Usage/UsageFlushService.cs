namespace Gatehouse.Server.Usage;

/// <summary>
/// Flushes the <see cref="UsageAggregator"/> every <c>Usage:FlushInterval</c> (sooner when its key cap is reached) and once
/// more when the host stops. The web server is stopped before this service (ASP.NET Core registers it last, so it stops
/// first), so the final flush sees every answered call: nothing is lost on a graceful stop, and at most one interval
/// (plus any rows of failed flushes) on a crash.
/// </summary>
internal sealed class UsageFlushService(UsageAggregator aggregator, Microsoft.Extensions.Options.IOptions<MeteringOptions> options,
    ILogger<UsageFlushService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.FlushInterval > TimeSpan.Zero ? options.Value.FlushInterval : TimeSpan.FromSeconds(15);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await aggregator.WaitForFlushAsync(interval, stoppingToken);
                await aggregator.FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // The last flush must not be cut short by the host's shutdown timeout token: the rows are the point.
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var rows = await aggregator.FlushAsync(bounded.Token);
        if (aggregator.PendingRows > 0)
            logger.LogError("Usage: {Rows} rows could not be written at stop and are lost", aggregator.PendingRows);
        else
            logger.LogDebug("Usage: {Rows} rows flushed at stop", rows);
    }
}
