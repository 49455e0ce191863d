using System.Diagnostics;
using JasperFx.Events;
using Marten;
using Marten.Events;
using Npgsql;
using ShareLM.Conversations;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Catalog.Projection;

/// <param name="Position">The event sequence replayed up to.</param>
/// <param name="Head">The event store's head (it moves while writes continue).</param>
public sealed record RebuildProgress(long Applied, long Position, long Head);

/// <param name="EventsProcessed">The events of the log replayed (every event up to the head the rebuild caught up with).</param>
/// <param name="EventsApplied">Those of them the projection acts on (publications, imports, deletions); it reads the content
/// of a published revision from its stream when it applies the publication.</param>
public sealed record RebuildReport(long EventsProcessed, long EventsApplied, long FromCursor, long ToCursor, TimeSpan Elapsed)
{
    public double EventsPerSecond => Elapsed.TotalSeconds > 0 ? EventsProcessed / Elapsed.TotalSeconds : EventsProcessed;
}

/// <summary>
/// Rebuilds the Catalog from the event store while the services keep running: replays every event, in
/// sequence order, through the same <see cref="CatalogProjection"/> the async daemon runs, until it has
/// caught up with the head. Delete entries are final and keep their place. Safe beside the live projection: every write is an idempotent upsert under the
/// feed-write lock, a delete entry is never overwritten, and the replay ends past anything the live
/// projection had seen, so both converge. Every record moves to a fresh cursor above the old head, so a
/// mirror simply re-applies them. <c>fromScratch</c> first empties the feed (the feed is
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
                    select pg_advisory_unlock({CatalogSchema.FeedWriteLock});
                    """, connection);
                await wipe.ExecuteNonQueryAsync(cancellationToken);
            }

            long position = 0, applied = 0, head;
            // The next page (and the contents it publishes) is read while this one is applied and written.
            var next = PageAfterAsync(0, cancellationToken);
            while (true)
            {
                (head, var page, var contents) = await next;
                if (page.Count == 0) break;
                position = page[^1].Sequence;
                next = PageAfterAsync(position, cancellationToken);
                await using var session = store.LightweightSession();
                projection.Apply(session, page, contents, cancellationToken);
                await session.SaveChangesAsync(cancellationToken);
                applied += page.Count;
                progress?.Report(new RebuildProgress(applied, position, Math.Max(head, position)));
            }
            progress?.Report(new RebuildProgress(applied, head, head));
            var processed = await ScalarAsync(connection, $"select count(*) from {EventStoreSetup.Schema}.mt_events where seq_id <= {head}", cancellationToken);
            var toCursor = await ScalarAsync(connection, $"select coalesce(max(cursor), 0) from {CatalogSchema.Feed}", cancellationToken);
            return new RebuildReport(processed, applied, fromCursor, toCursor, stopwatch.Elapsed);
        }
        finally
        {
            await using var release = new NpgsqlCommand($"select pg_advisory_unlock({RebuildLock})", connection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    /// <summary>The next page of the events the projection acts on, the contents they publish, and the head before it
    /// was read: once a page comes back empty, everything up to that head is covered.</summary>
    async Task<(long Head, IReadOnlyList<IEvent> Page, Dictionary<Guid, ConversationContent> Contents)> PageAfterAsync(long position, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"select coalesce(max(seq_id), 0) from {EventStoreSetup.Schema}.mt_events");
        var head = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
        await using var session = store.QuerySession();
        var page = await session.Events.QueryAllRawEvents()
            .Where(e => e.Sequence > position && e.EventTypesAre(_handledTypes))
            .OrderBy(e => e.Sequence)
            .Take(PageSize)
            .ToListAsync(cancellationToken);
        return (head, page, await projection.ReadContentsAsync(store, page, cancellationToken));
    }

    // The same event types the async daemon fetches for the projection.
    readonly Type[] _handledTypes = [.. projection.IncludedEventTypes];

    static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
    }
}
