using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Retention.Scheduling;

/// <summary>Publishes how many scheduled messages are pending (a gauge), refreshed every few seconds rather than per scrape.</summary>
public sealed class SchedulerMetrics(ScheduleStore store, ILogger<SchedulerMetrics> logger) : BackgroundService
{
    static long _pending;

    static SchedulerMetrics()
    {
        ShareLMTelemetry.Meter.CreateObservableGauge("sharelm.scheduler.pending", () => Interlocked.Read(ref _pending),
            description: "Scheduled messages waiting for their due time (PostgreSQL's estimate above 50,000).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        do
        {
            try
            {
                Interlocked.Exchange(ref _pending, await store.PendingCountAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Could not count pending schedules");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
