using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Projection;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Catalog.Stats;

public sealed record Totals(long Held, long Published, long Deleted);

public sealed record DatasetStats(
    [property: JsonPropertyName("feed_cursor")] long FeedCursor,
    [property: JsonPropertyName("public_records")] long PublicRecords,
    [property: JsonPropertyName("totals")] Totals Totals,
    [property: JsonPropertyName("by_model")] IReadOnlyDictionary<string, long> ByModel,
    [property: JsonPropertyName("by_source")] IReadOnlyDictionary<string, long> BySource,
    [property: JsonPropertyName("by_language")] IReadOnlyDictionary<string, long> ByLanguage,
    [property: JsonPropertyName("by_rating")] IReadOnlyDictionary<string, long> ByRating,
    [property: JsonPropertyName("by_day")] IReadOnlyDictionary<string, long> ByDay,
    [property: JsonPropertyName("by_day_and_source")] IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> ByDayAndSource,
    [property: JsonPropertyName("by_response_rating")] IReadOnlyDictionary<string, long> ByResponseRating,
    [property: JsonPropertyName("as_of")] DateTimeOffset AsOf);

/// <summary>
/// Counts of the public dataset (by model, source, language, rating, day of publication, day and source, and
/// per-response ratings) and lifecycle
/// totals (held, published, deleted). The counts take a scan of the feed, so they are computed at most once per
/// <c>Catalog:StatsRefreshInterval</c>, and then only if the feed or the event store moved; a request never
/// waits for a recomputation once there are figures to serve. <c>as_of</c> says when they were last known
/// current.
/// </summary>
public sealed class StatsService(NpgsqlDataSource db, IOptions<CatalogOptions> settings, TimeProvider clock)
{
    readonly RefreshingCache<(long Cursor, long Head), DatasetStats> _cache = new(settings.Value.StatsRefreshInterval, clock);

    public async Task<DatasetStats> GetAsync(CancellationToken cancellationToken)
    {
        var (stats, asOf) = await _cache.GetAsync(KeyAsync, (key, ct) => ComputeAsync(key.Cursor, ct), cancellationToken);
        return stats with { AsOf = asOf };
    }

    async Task<(long Cursor, long Head)> KeyAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"""
            select coalesce((select max(cursor) from {CatalogSchema.Feed}), 0),
                   coalesce((select max(seq_id) from {EventStoreSetup.Schema}.mt_events), 0)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    async Task<DatasetStats> ComputeAsync(long cursor, CancellationToken cancellationToken)
    {
        // One scan of the feed for every breakdown; a breakdown's missing value (no language, no rating) counts
        // under "".
        var byModel = new Dictionary<string, long>();
        var bySource = new Dictionary<string, long>();
        var byLanguage = new Dictionary<string, long>();
        var byRating = new Dictionary<string, long>();
        var byDay = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var byDayAndSource = new SortedDictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        var byResponseRating = new Dictionary<string, long> { ["-1"] = 0, ["0"] = 0, ["1"] = 0 };
        IDictionary<string, long>[] breakdowns = [byModel, bySource, byLanguage, byRating, byDay];
        await using (var command = db.CreateCommand($"""
            select case when grouping(published_on) = 0 and grouping(source) = 0 then 5 when grouping(model) = 0 then 0
                        when grouping(source) = 0 then 1 when grouping(language) = 0 then 2 when grouping(rate) = 0 then 3 else 4 end,
                   case when grouping(published_on) = 0 then coalesce(published_on, '') else coalesce(model, source, language, rate, '') end,
                   coalesce(source, ''), count(*),
                   sum(responses_down), sum(responses_neutral), sum(responses_up)
            from (select model, source, language, nullif(rate, '') as rate, responses_down, responses_neutral, responses_up,
                         to_char(published_at at time zone 'UTC', 'YYYY-MM-DD') as published_on
                  from {CatalogSchema.Feed} where op = 'upsert') f
            group by grouping sets ((model), (source), (language), (rate), (published_on), (published_on, source))
            order by 1, 4 desc, 2
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var breakdown = reader.GetInt32(0);
                var count = reader.GetInt64(3);
                if (breakdown == 5)
                {
                    var day = reader.GetString(1);
                    if (!byDayAndSource.TryGetValue(day, out var sources)) byDayAndSource[day] = sources = new Dictionary<string, long>();
                    ((Dictionary<string, long>)sources)[reader.GetString(2)] = count;
                    continue;
                }
                breakdowns[breakdown][reader.GetString(1)] = count;
                if (breakdown == 1)
                {
                    // Every record is in exactly one source group: their sums are the whole dataset's.
                    byResponseRating["-1"] += reader.IsDBNull(4) ? 0 : reader.GetInt64(4);
                    byResponseRating["0"] += reader.IsDBNull(5) ? 0 : reader.GetInt64(5);
                    byResponseRating["1"] += reader.IsDBNull(6) ? 0 : reader.GetInt64(6);
                }
            }
        }
        var publicRecords = byModel.Values.Sum();

        // Through the write model's status index: only held and deleted rows are visited, never all of them.
        long held, deleted;
        await using (var command = db.CreateCommand($"""
            select (select count(*) from {EventStoreSetup.Schema}.mt_doc_conversationstate where data->>'status' = 'Held'),
                   (select count(*) from {EventStoreSetup.Schema}.mt_doc_conversationstate where data->>'status' in ('Deleting', 'Deleted'))
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            held = reader.GetInt64(0);
            deleted = reader.GetInt64(1);
        }
        return new DatasetStats(cursor, publicRecords, new Totals(held, publicRecords, deleted),
            byModel, bySource, byLanguage, byRating, byDay, byDayAndSource, byResponseRating, clock.GetUtcNow());
    }
}

public static class StatsEndpoint
{
    public static RouteGroupBuilder MapStats(this RouteGroupBuilder group)
    {
        group.MapGet("/stats", async (StatsService stats, CancellationToken ct) => TypedResults.Ok(await stats.GetAsync(ct)))
            .WithSummary("Totals and public counts by model, source, language, rating and day");
        return group;
    }
}
