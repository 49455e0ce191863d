using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Projection;

namespace ShareLM.Catalog.Search;

/// <summary>
/// Fills the explorer's full-text vector (<c>catalog.feed.search</c>) of public records that have none yet: those
/// just published or revised (the projection leaves it empty, so a rebuild does not pay for it), a batch at a time,
/// every <see cref="CatalogOptions.SearchIndexInterval"/> while there is work. One statement per batch reads the record
/// it indexes, so a record changed meanwhile is indexed as it is now; instances share the work (<c>skip locked</c>).
/// A take-down clears the vector with the record.
/// </summary>
public sealed class SearchIndexer(NpgsqlDataSource db, IOptions<CatalogOptions> settings, ILogger<SearchIndexer> logger) : BackgroundService
{
    public const int BatchSize = 2_000;

    /// <summary>Indexes one batch; how many records it indexed.</summary>
    public async Task<int> IndexBatchAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            update {CatalogSchema.Feed} f set search = {CatalogProjection.SearchVector("f.record")}
            where f.conversation_id in (
                select conversation_id from {CatalogSchema.Feed}
                where op = 'upsert' and search is null
                order by cursor limit {BatchSize} for update skip locked)
            """);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Back to back while there is a backlog (after a rebuild); otherwise once per interval.
                while (await IndexBatchAsync(stoppingToken) == BatchSize) { }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Search indexing failed; retrying");
            }
            await Task.Delay(settings.Value.SearchIndexInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
