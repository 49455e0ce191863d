using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Retention.Options;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Retention.Erasure;

/// <summary>
/// After erasures, vacuums the tables whose rows held the content (the events and the write model), so the
/// masked-over row versions are reclaimed instead of lingering until autovacuum. Requests are coalesced: a
/// burst of deletions costs one vacuum. What vacuum cannot reach (WAL, backups) is in docs/erasure.md.
/// </summary>
public sealed class VacuumRequests(NpgsqlDataSource dataSource, IOptions<ErasureOptions> options, ILogger<VacuumRequests> logger) : BackgroundService
{
    static readonly string[] Tables = [$"{EventStoreSetup.Schema}.mt_events", $"{EventStoreSetup.Schema}.mt_doc_conversationstate"];
    readonly SemaphoreSlim _requested = new(0, 1);

    public void Request()
    {
        try { _requested.Release(); } catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _requested.WaitAsync(stoppingToken);
                await Task.Delay(options.Value.VacuumDebounce, stoppingToken);
                foreach (var table in Tables)
                {
                    await using var command = dataSource.CreateCommand($"vacuum {table}");
                    command.CommandTimeout = 600;
                    await command.ExecuteNonQueryAsync(stoppingToken);
                }
                logger.LogInformation("Vacuumed {Tables} after erasure", string.Join(", ", Tables));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Vacuum after erasure failed; will retry on the next request");
                Request();
                await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
