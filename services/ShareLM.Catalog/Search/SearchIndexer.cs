using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Projection;
using ShareLM.Catalog.Stats;

namespace ShareLM.Catalog.Search;

/// <summary>
/// Fills the explorer's full-text vector (<c>catalog.feed.search</c>) of public records that have none yet: those
/// just published or revised (the projection leaves it empty, so a rebuild does not pay for it), a batch at a time,
/// every <see cref="CatalogOptions.SearchIndexInterval"/> while there is work. One statement per batch reads the record
/// it indexes, so a record changed meanwhile is indexed as it is now; instances share the work (<c>skip locked</c>).
/// A take-down clears the vector with the record. Until it is done (after a rebuild, a while), the explorer says how
/// many records its search cannot find yet (<see cref="BacklogAsync"/>).
/// </summary>
public sealed class SearchIndexer(NpgsqlDataSource db, IOptions<CatalogOptions> settings, TimeProvider clock, ILogger<SearchIndexer> logger)
    : BackgroundService
{
    public const int BatchSize = 2_000;

    /// <summary>The backlog is counted up to this, so that counting stays cheap however large it is.</summary>
    public const int BacklogCountLimit = 100_000;

    static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);
    readonly RefreshingCache<long, long> _backlog = new(settings.Value.StatsRefreshInterval, clock);

    /// <summary>How many public records are not searchable yet (at most <see cref="BacklogCountLimit"/>), counted at
    /// most once per stats interval.</summary>
    public async Task<long> BacklogAsync(CancellationToken cancellationToken) =>
        (await _backlog.GetAsync(CountBacklogAsync, static (count, _) => Task.FromResult(count), cancellationToken)).Value;

    async Task<long> CountBacklogAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            select count(*) from (select 1 from {CatalogSchema.Feed} where op = 'upsert' and search is null limit {BacklogCountLimit}) backlog
            """);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }

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
                // Back to back while there is a backlog (after a rebuild), with its progress in the log; otherwise
                // once per interval.
                var indexed = await IndexBatchAsync(stoppingToken);
                if (indexed == BatchSize)
                {
                    var started = clock.GetTimestamp();
                    var reported = started;
                    logger.LogInformation("Search index catching up: at least {Backlog} records still to index", await CountBacklogAsync(stoppingToken));
                    int batch;
                    do
                    {
                        indexed += batch = await IndexBatchAsync(stoppingToken);
                        if (clock.GetElapsedTime(reported) >= ProgressInterval)
                        {
                            reported = clock.GetTimestamp();
                            logger.LogInformation("Search index catching up: {Indexed} records indexed ({Rate:F0}/s)", indexed,
                                indexed / clock.GetElapsedTime(started).TotalSeconds);
                        }
                    } while (batch == BatchSize);
                    logger.LogInformation("Search index caught up: {Indexed} records indexed in {Seconds:F1} s", indexed, clock.GetElapsedTime(started).TotalSeconds);
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // The first start of a Catalog on a new store: its schema is being made meanwhile.
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Search indexing failed; retrying");
            }
            await Task.Delay(settings.Value.SearchIndexInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
