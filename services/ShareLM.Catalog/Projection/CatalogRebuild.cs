using System.Diagnostics;
using Marten;
using Npgsql;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Catalog.Projection;

public sealed record RebuildProgress(long Processed, long Total, long Position);

public sealed record RebuildReport(long EventsProcessed, long FromCursor, long ToCursor, TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? EventsProcessed / Elapsed.TotalSeconds : EventsProcessed;
}

/// <summary>
/// Rebuilds the Catalog from the event store while the services keep running: replays every event, in
/// sequence order, through the same <see cref="CatalogProjection"/> the async daemon runs, until it has
/// caught up with the head. Delete entries are final and keep their place. Safe beside the live projection: every write is an idempotent upsert under the
/// feed-write lock, a delete entry is never overwritten, and the replay ends past anything the live
/// projection had seen, so both converge. Every record moves to a fresh cursor above the old head, so a
/// mirror simply re-applies them. <c>fromScratch</c> first empties the feed and the drafts (the feed is
/// then incomplete until the replay ends; cursors are still never reused).
/// </summary>
public sealed class CatalogRebuild(IDocumentStore store, NpgsqlDataSource db, CatalogProjection projection)
{
    const long RebuildLock = 7_342_003;

    public int PageSize { get; init; } = 5_000;

    public async Task<RebuildReport> RunAsync(bool fromScratch, IProgress<RebuildProgress>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand($"select pg_try_advisory_lock({RebuildLock})", connection))
        {
            if (!(bool)(await take.ExecuteScalarAsync(cancellationToken))!)
                throw new InvalidOperationException("Another catalog rebuild is running.");
        }
        try
        {
            var fromCursor = await ScalarAsync(connection, $"select coalesce(max(cursor), 0) from {CatalogSchema.Feed}", cancellationToken);
            if (fromScratch)
            {
                await using var wipe = new NpgsqlCommand($"""
                    select pg_advisory_lock({CatalogSchema.FeedWriteLock});
                    delete from {CatalogSchema.Feed};
                    delete from {EventStoreSetup.Schema}.mt_doc_catalogdraft;
                    select pg_advisory_unlock({CatalogSchema.FeedWriteLock});
                    """, connection);
                await wipe.ExecuteNonQueryAsync(cancellationToken);
            }

            long position = 0, processed = 0;
            var total = await ScalarAsync(connection, $"select coalesce(max(seq_id), 0) from {EventStoreSetup.Schema}.mt_events", cancellationToken);
            while (true)
            {
                await using var session = store.LightweightSession();
                var page = await session.Events.QueryAllRawEvents()
                    .Where(e => e.Sequence > position)
                    .OrderBy(e => e.Sequence)
                    .Take(PageSize)
                    .ToListAsync(cancellationToken);
                if (page.Count == 0) break;
                await projection.ApplyAsync(session, page, cancellationToken);
                await session.SaveChangesAsync(cancellationToken);
                position = page[^1].Sequence;
                processed += page.Count;
                total = Math.Max(total, position);
                progress?.Report(new RebuildProgress(processed, total, position));
            }
            var toCursor = await ScalarAsync(connection, $"select coalesce(max(cursor), 0) from {CatalogSchema.Feed}", cancellationToken);
            return new RebuildReport(processed, fromCursor, toCursor, stopwatch.Elapsed);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({RebuildLock})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }
}
