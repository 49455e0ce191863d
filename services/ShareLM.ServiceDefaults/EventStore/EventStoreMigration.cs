using JasperFx;
using Marten;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ShareLM.ServiceDefaults.EventStore;

/// <summary>
/// Brings the database schema up to the configuration at start (Marten serialises this across processes
/// with its global lock). Unlike Marten's own start-up migration it does not stop the service from
/// starting while PostgreSQL is down: it retries in the background, and readiness reports it meanwhile.
/// </summary>
public sealed class EventStoreMigration(IDocumentStore store, ILogger<EventStoreMigration> logger) : IHostedService, IHealthCheck
{
    readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    CancellationTokenSource? _stopping;

    public Task Completion => _done.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(async () =>
        {
            var delay = TimeSpan.FromMilliseconds(500);
            while (!_stopping.IsCancellationRequested)
            {
                try
                {
                    await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(AutoCreate.CreateOrUpdate);
                    _done.TrySetResult();
                    firstAttempt.TrySetResult();
                    return;
                }
                catch (Exception e)
                {
                    logger.LogWarning(e, "Could not bring the database schema up to date; retrying in {Delay}", delay);
                    firstAttempt.TrySetResult();
                    try { await Task.Delay(delay, _stopping.Token); } catch (OperationCanceledException) { return; }
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
                }
            }
        }, CancellationToken.None);
        // With PostgreSQL up, the projections start on a ready schema; with it down, start anyway.
        await firstAttempt.Task.WaitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping?.Cancel();
        return Task.CompletedTask;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done.Task.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy("schema up to date")
            : HealthCheckResult.Unhealthy("schema not applied yet"));
}
