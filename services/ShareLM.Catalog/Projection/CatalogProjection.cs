using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Npgsql;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Conversations;
using ShareLM.Conversations.Language;
using ShareLM.Events;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Catalog.Projection;

/// <summary>
/// Projects the conversation streams into the public dataset (run by the async daemon, one leader at a
/// time). It reads only the events that change the public dataset: <see cref="ConversationPublished"/> makes
/// a record of the revision it names, folded from that stream's content events up to it (captures,
/// revisions and ratings are never projected on their own, so a held conversation costs the Catalog
/// nothing); <see cref="ConversationImported"/> is public at once; <see cref="DeletionRequested"/> takes the
/// record down and <see cref="ConversationDeleted"/> makes sure a conversation that was public leaves a
/// delete entry. Content that erasure already masked is recognised and never published. Each batch writes
/// its feed changes in one statement per kind, compacted per conversation, under the feed-write lock.
/// </summary>
public sealed class CatalogProjection : ProjectionBase, IProjection
{
    public const string DaemonName = "catalog";

    readonly Pseudonymizer _pseudonyms;
    readonly RevisionReader _revisions;
    readonly TimeProvider _clock;
    readonly LanguageDetector _languages;

    public CatalogProjection(Pseudonymizer pseudonyms, NpgsqlDataSource db, LanguageDetector languages, TimeProvider clock)
    {
        _languages = languages;
        _pseudonyms = pseudonyms;
        _clock = clock;
        _revisions = new RevisionReader(db);
        Name = DaemonName;
        // The daemon (and the rebuild) fetch only these; captures, revisions and ratings are read on publication.
        IncludeType<ConversationPublished>();
        IncludeType<ConversationImported>();
        IncludeType<DeletionRequested>();
        IncludeType<ConversationDeleted>();
    }

    abstract record FeedChange;
    sealed record Upsert(string Record, int Revision, string Model, string Source, string Language, string Rate, DateTimeOffset PublishedAt,
        int ResponsesDown, int ResponsesNeutral, int ResponsesUp) : FeedChange;
    /// <param name="Ensure">Leave a delete entry even if no row exists yet (the conversation is known to have been public).</param>
    sealed record TakeDown(bool Ensure) : FeedChange;

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation) =>
        Apply(operations, events, await ReadContentsAsync(operations.DocumentStore, events, cancellation), cancellation);

    /// <summary>The content of every revision that <paramref name="events"/> publish, read from their streams.</summary>
    public Task<Dictionary<Guid, ConversationContent>> ReadContentsAsync(IDocumentStore store, IReadOnlyList<IEvent> events, CancellationToken cancellation) =>
        _revisions.ReadAsync(store, [.. events.Where(e => e.Data is ConversationPublished).Select(e => (e.StreamId, e.Version))], cancellation);

    /// <summary>Applies <paramref name="events"/> given the contents <see cref="ReadContentsAsync"/> read for them (the
    /// rebuild reads the next page's contents while this one is written).</summary>
    public void Apply(IDocumentOperations operations, IReadOnlyList<IEvent> events, Dictionary<Guid, ConversationContent> contents, CancellationToken cancellation)
    {

        // Records (language detection, pseudonym, JSON) are built on every core first; the pass below only
        // decides, in event order, which of them stand.
        var candidates = new Upsert?[events.Count];
        Parallel.For(0, events.Count, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            var e = events[i];
            candidates[i] = e.Data switch
            {
                ConversationImported imported when !imported.Erased => Build(e.StreamId, ConversationContent.None.Apply(imported), imported.ImportedAt, null),
                ConversationPublished p when contents.TryGetValue(e.StreamId, out var content) && !content.Erased && content.Revision == p.Revision =>
                    Build(e.StreamId, content, p.PublishedAt, p.Language),
                _ => null,
            };
        });
        var feed = new Dictionary<Guid, FeedChange>();

        for (var index = 0; index < events.Count; index++)
        {
            var e = events[index];
            using var activity = e.Headers is { Count: > 0 }
                ? ShareLMTelemetry.StartContinuing($"catalog.project {e.EventTypeName}", ShareLMTelemetry.ContextOf(e), ActivityKind.Consumer)
                : null;
            var id = e.StreamId;
            switch (e.Data)
            {
                case ConversationImported when candidates[index] is { } upsert:
                    feed[id] = upsert;
                    break;
                // Built only when the content folded up to this event is the revision it publishes and the
                // stream was not erased since (masked).
                case ConversationPublished when candidates[index] is { } upsert:
                    feed[id] = upsert;
                    ShareLMTelemetry.ProjectionLag.Record(Math.Max(0, (_clock.GetUtcNow() - e.Timestamp).TotalSeconds));
                    break;
                case DeletionRequested:
                    feed[id] = new TakeDown(feed.TryGetValue(id, out var before) && before is Upsert or TakeDown { Ensure: true });
                    break;
                case ConversationDeleted d:
                    var ensure = d.WasPublic || feed.TryGetValue(id, out var prior) && prior is Upsert or TakeDown { Ensure: true };
                    feed[id] = new TakeDown(ensure);
                    break;
            }
        }

        WriteFeed(operations, feed);
    }

    Upsert Build(Guid id, ConversationContent content, DateTimeOffset at, string? language)
    {
        // Publication records the language; events written before it did are detected here.
        var record = PublicRecord.From(id, content, _pseudonyms, content.Language ?? language ?? _languages.Of(content));
        var ratings = record.ConversationMetadata.MessageRatings;
        return new Upsert(record.ToJson(), content.Revision, record.ModelName, record.Source, record.ConversationMetadata.Language,
            record.ConversationMetadata.Rate, at, ratings.Count(r => r < 0), ratings.Count(r => r == 0), ratings.Count(r => r > 0));
    }

    /// <summary>The full-text vector of a record's turns (their contents; the role names are taken out). Left empty by
    /// the projection and made by <c>Search/SearchIndexer.cs</c>, so a rebuild does not wait for it.</summary>
    public static string SearchVector(string record) =>
        $"ts_delete(jsonb_to_tsvector('simple'::regconfig, ({record})::jsonb -> 'conversation', '[\"string\"]'), array['user', 'assistant'])";

    static void WriteFeed(IDocumentOperations operations, Dictionary<Guid, FeedChange> feed)
    {
        if (feed.Count == 0) return;
        operations.QueueSqlCommand($"select pg_advisory_xact_lock({CatalogSchema.FeedWriteLock})");

        var upserts = feed.Where(kv => kv.Value is Upsert).Select(kv => (Id: kv.Key, Change: (Upsert)kv.Value)).ToArray();
        if (upserts.Length > 0)
        {
            operations.QueueSqlCommand($"""
                insert into {CatalogSchema.Feed} as f (conversation_id, cursor, op, record, revision, model, source, language, rate, published_at,
                    responses_down, responses_neutral, responses_up, search, changed_at)
                select u.id, nextval('{CatalogSchema.CursorSequence}'), 'upsert', u.record, u.revision, u.model, u.source, u.language, u.rate, u.published_at,
                    u.down, u.neutral, u.up, null, now()
                from unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::int[], ?::int[], ?::int[])
                     with ordinality as u(id, record, revision, model, source, language, rate, published_at, down, neutral, up, ord)
                order by u.ord
                on conflict (conversation_id) do update set
                    cursor = excluded.cursor, op = 'upsert', record = excluded.record, revision = excluded.revision, model = excluded.model,
                    source = excluded.source, language = excluded.language, rate = excluded.rate, published_at = excluded.published_at,
                    responses_down = excluded.responses_down, responses_neutral = excluded.responses_neutral, responses_up = excluded.responses_up,
                    search = excluded.search, changed_at = now()
                where f.op = 'upsert'
                """,
                upserts.Select(u => u.Id).ToArray(),
                upserts.Select(u => u.Change.Record).ToArray(),
                upserts.Select(u => u.Change.Revision).ToArray(),
                upserts.Select(u => u.Change.Model).ToArray(),
                upserts.Select(u => u.Change.Source).ToArray(),
                upserts.Select(u => u.Change.Language).ToArray(),
                upserts.Select(u => u.Change.Rate).ToArray(),
                upserts.Select(u => u.Change.PublishedAt.ToUniversalTime()).ToArray(),
                upserts.Select(u => u.Change.ResponsesDown).ToArray(),
                upserts.Select(u => u.Change.ResponsesNeutral).ToArray(),
                upserts.Select(u => u.Change.ResponsesUp).ToArray());
        }

        var ensured = feed.Where(kv => kv.Value is TakeDown { Ensure: true }).Select(kv => kv.Key).ToArray();
        if (ensured.Length > 0)
        {
            // A delete entry is kept for good; a conversation known to have been public always leaves one.
            operations.QueueSqlCommand($"""
                insert into {CatalogSchema.Feed} as f (conversation_id, cursor, op, record, changed_at)
                select id, nextval('{CatalogSchema.CursorSequence}'), 'delete', null, now() from unnest(?::uuid[]) as d(id)
                on conflict (conversation_id) do update set cursor = excluded.cursor, op = 'delete', record = null,
                    revision = null, model = null, source = null, language = null, rate = null, published_at = null,
                    responses_down = null, responses_neutral = null, responses_up = null, search = null, changed_at = now()
                where f.op = 'upsert'
                """, ensured);
        }

        var takeDowns = feed.Where(kv => kv.Value is TakeDown { Ensure: false }).Select(kv => kv.Key).ToArray();
        if (takeDowns.Length > 0)
        {
            // Take down whatever is public; a conversation never public gets no delete entry.
            operations.QueueSqlCommand($"""
                update {CatalogSchema.Feed} set cursor = nextval('{CatalogSchema.CursorSequence}'), op = 'delete', record = null,
                    revision = null, model = null, source = null, language = null, rate = null, published_at = null,
                    responses_down = null, responses_neutral = null, responses_up = null, search = null, changed_at = now()
                where conversation_id = any(?) and op = 'upsert'
                """, takeDowns);
        }
    }
}
