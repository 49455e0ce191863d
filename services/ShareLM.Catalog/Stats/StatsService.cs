using System.Text.Json.Serialization;
using Npgsql;
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
    [property: JsonPropertyName("by_day")] IReadOnlyDictionary<string, long> ByDay);

/// <summary>
/// Counts of the public dataset (by model, source, language, rating, day of publication) and lifecycle
/// totals (held, published, deleted). Computed once per (feed cursor, event store head) and cached, so
/// repeated requests between changes cost two index lookups.
/// </summary>
public sealed class StatsService(NpgsqlDataSource db)
{
    readonly SemaphoreSlim _gate = new(1, 1);
    (long Cursor, long Head, DatasetStats Stats)? _cached;

    public async Task<DatasetStats> GetAsync(CancellationToken cancellationToken)
    {
        var (cursor, head) = await KeyAsync(cancellationToken);
        if (_cached is { } hit && hit.Cursor == cursor && hit.Head == head) return hit.Stats;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && again.Cursor == cursor && again.Head == head) return again.Stats;
            var stats = await ComputeAsync(cursor, cancellationToken);
            _cached = (cursor, head, stats);
            return stats;
        }
        finally
        {
            _gate.Release();
        }
    }

    async Task<(long, long)> KeyAsync(CancellationToken cancellationToken)
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
        async Task<Dictionary<string, long>> GroupAsync(string expression)
        {
            await using var command = db.CreateCommand(
                $"select coalesce({expression}, ''), count(*) from {CatalogSchema.Feed} where op = 'upsert' group by 1 order by 2 desc, 1");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var result = new Dictionary<string, long>();
            while (await reader.ReadAsync(cancellationToken)) result[reader.GetString(0)] = reader.GetInt64(1);
            return result;
        }

        var byModel = await GroupAsync("model");
        var bySource = await GroupAsync("source");
        var byLanguage = await GroupAsync("language");
        var byRating = await GroupAsync("nullif(rate, '')");
        var byDay = new SortedDictionary<string, long>(await GroupAsync("to_char(published_at at time zone 'UTC', 'YYYY-MM-DD')"), StringComparer.Ordinal);
        var publicRecords = byModel.Values.Sum();

        long held = 0, deleted = 0;
        await using (var command = db.CreateCommand($"""
            select coalesce(sum(case when data->>'status' = 'Held' then 1 else 0 end), 0),
                   coalesce(sum(case when data->>'status' in ('Deleting', 'Deleted') then 1 else 0 end), 0)
            from {EventStoreSetup.Schema}.mt_doc_conversationstate
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            held = reader.GetInt64(0);
            deleted = reader.GetInt64(1);
        }
        return new DatasetStats(cursor, publicRecords, new Totals(held, publicRecords, deleted),
            byModel, bySource, byLanguage, byRating, byDay);
    }
}

public static class StatsEndpoint
{
    public static RouteGroupBuilder MapStats(this RouteGroupBuilder group)
    {
        group.MapGet("/stats", async (StatsService stats, CancellationToken ct) => TypedResults.Ok(await stats.GetAsync(ct)));
        return group;
    }
}
