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
                    await UseLz4Async(_stopping.Token);
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

    /// <summary>
    /// Event and document bodies of a few KB are compressed by PostgreSQL on every write; lz4 costs a fraction of
    /// the CPU of the default pglz. Changing a column's compression is metadata only (values already stored keep
    /// theirs), and it is done only where it is not set yet, so a restart takes no table lock. A server built
    /// without lz4 keeps pglz.
    /// </summary>
    async Task UseLz4Async(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = store.Storage.Database.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = new Npgsql.NpgsqlCommand($$"""
                do $$
                declare c record;
                begin
                  for c in select n.nspname, k.relname, a.attname from pg_attribute a
                           join pg_class k on k.oid = a.attrelid join pg_namespace n on n.oid = k.relnamespace
                           where n.nspname = '{{EventStoreSetup.Schema}}' and k.relkind = 'r' and a.attnum > 0 and not a.attisdropped
                             and a.atttypid = 'jsonb'::regtype and a.attname = 'data' and a.attcompression <> 'l'
                           order by k.relname -- one lock order for every service starting at once
                  loop
                    execute format('alter table %I.%I alter column %I set compression lz4', c.nspname, c.relname, c.attname);
                  end loop;
                end $$;
                """, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Npgsql.PostgresException e) when (e.SqlState is "0A000" or "22023")
        {
            logger.LogInformation("PostgreSQL has no lz4 compression ({Message}); event and document bodies keep pglz", e.MessageText);
        }
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
