using Microsoft.Extensions.Options;
using ShareLM.Catalog.Options;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Catalog.Snapshots;

/// <summary>
/// Takes snapshot files made before a take-down off the disk every <c>Catalog:SnapshotSweepInterval</c>: a
/// take-down erases the conversation from our store, and a snapshot file is a copy of it.
/// </summary>
public sealed class SnapshotSweep(SnapshotStore store, EventStoreMigration migration, IOptions<CatalogOptions> settings,
    ILogger<SnapshotSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.Completion.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(settings.Value.SnapshotSweepInterval);
        do
        {
            try
            {
                await store.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Could not sweep the snapshot files; retried in {Interval}", settings.Value.SnapshotSweepInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
