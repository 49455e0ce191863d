using System.Diagnostics;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Events;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Catalog.Projection;

/// <summary>
/// Projects the conversation streams into the public dataset (run by the async daemon, one leader at a
/// time). Captures and revisions update a private draft; <see cref="ConversationPublished"/> turns the draft
/// of that revision into the public record; <see cref="DeletionRequested"/> takes the record down at once and
/// <see cref="ConversationDeleted"/> makes sure a conversation that was public leaves a delete entry. Events
/// that erasure already masked are recognised and never published. Each batch writes its feed changes in one
/// statement per kind, compacted per conversation, under the feed-write lock.
/// </summary>
public sealed class CatalogProjection(Pseudonymizer pseudonyms) : IProjection
{
    public const string Name = "catalog";

    abstract record FeedChange;
    sealed record Upsert(PublicRecord Record, int Revision, string Model, string Source, string Language, string Rate, DateTimeOffset PublishedAt) : FeedChange;
    /// <param name="Ensure">Leave a delete entry even if no row exists yet (the conversation is known to have been public).</param>
    sealed record TakeDown(bool Ensure) : FeedChange;

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var ids = events.Select(e => e.StreamId).Distinct().ToArray();
        var drafts = (await operations.LoadManyAsync<CatalogDraft>(cancellation, ids)).ToDictionary(d => d.Id);
        var changed = new HashSet<Guid>();
        var removed = new HashSet<Guid>();
        var feed = new Dictionary<Guid, FeedChange>();

        foreach (var e in events)
        {
            using var activity = e.Headers is { Count: > 0 }
                ? ShareLMTelemetry.StartContinuing($"catalog.project {e.EventTypeName}", ShareLMTelemetry.ContextOf(e), ActivityKind.Consumer)
                : null;
            var id = e.StreamId;
            switch (e.Data)
            {
                case ConversationCaptured c when !c.Erased:
                    drafts[id] = new CatalogDraft
                    {
                        Id = id, Revision = 1, Source = c.Source, ContributorId = c.ContributorId, Model = c.Model, Turns = [.. c.Turns],
                        Rating = c.Rating, Redacted = c.Redacted, Demographics = c.Demographics, ChangedAt = c.CapturedAt,
                    };
                    Changed(id);
                    break;
                case ConversationRevised r when !r.Erased && drafts.TryGetValue(id, out var draft):
                    draft.Revision = r.Revision;
                    draft.Model = r.Model;
                    draft.Turns = [.. r.Turns];
                    draft.Rating = r.Rating;
                    draft.Redacted = r.Redacted;
                    draft.ChangedAt = r.RevisedAt;
                    Changed(id);
                    break;
                case ConversationRated r when drafts.TryGetValue(id, out var rated):
                    rated.Revision = r.Revision;
                    rated.Rating = r.Rating;
                    rated.Turns = [.. rated.Turns.Select((t, i) => t with { Rating = i < r.TurnRatings.Count ? r.TurnRatings[i] : null })];
                    rated.ChangedAt = r.RatedAt;
                    Changed(id);
                    break;
                case ConversationImported i when !i.Erased:
                    var imported = new CatalogDraft
                    {
                        Id = id, Revision = 1, Source = i.Source, UpstreamUser = i.UpstreamUser, Model = i.Model, Turns = [.. i.Turns],
                        Rating = i.Rating, Redacted = i.Redacted, Demographics = i.Demographics, Language = i.Language, Toxic = i.Toxic,
                        UpstreamTimestamp = i.Timestamp, ChangedAt = i.ImportedAt, Imported = true, PublishedRevision = 1,
                    };
                    drafts[id] = imported;
                    Changed(id);
                    Publish(id, imported, i.ImportedAt);
                    break;
                case ConversationPublished p when drafts.TryGetValue(id, out var published) && published.Revision == p.Revision:
                    published.PublishedRevision = p.Revision;
                    Changed(id);
                    Publish(id, published, p.PublishedAt);
                    ShareLMTelemetry.ProjectionLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - e.Timestamp).TotalSeconds));
                    break;
                case DeletionRequested:
                    Remove(id);
                    feed[id] = new TakeDown(feed.TryGetValue(id, out var before) && before is Upsert or TakeDown { Ensure: true });
                    break;
                case ConversationDeleted d:
                    Remove(id);
                    var ensure = d.WasPublic || feed.TryGetValue(id, out var prior) && prior is Upsert or TakeDown { Ensure: true };
                    feed[id] = new TakeDown(ensure);
                    break;
            }
        }

        foreach (var id in changed.Except(removed)) operations.Store(drafts[id]);
        foreach (var id in removed) operations.Delete<CatalogDraft>(id);
        WriteFeed(operations, feed);

        void Changed(Guid id) { changed.Add(id); removed.Remove(id); }
        void Remove(Guid id) { drafts.Remove(id); removed.Add(id); changed.Remove(id); }
        void Publish(Guid id, CatalogDraft draft, DateTimeOffset at)
        {
            var record = PublicRecord.From(id, draft, pseudonyms);
            draft.Language ??= record.ConversationMetadata.Language;
            feed[id] = new Upsert(record, draft.Revision, record.ModelName, record.Source, record.ConversationMetadata.Language,
                record.ConversationMetadata.Rate, at);
        }
    }

    static void WriteFeed(IDocumentOperations operations, Dictionary<Guid, FeedChange> feed)
    {
        if (feed.Count == 0) return;
        operations.QueueSqlCommand($"select pg_advisory_xact_lock({CatalogSchema.FeedWriteLock})");

        var upserts = feed.Where(kv => kv.Value is Upsert).Select(kv => (Id: kv.Key, Change: (Upsert)kv.Value)).ToArray();
        if (upserts.Length > 0)
        {
            operations.QueueSqlCommand($"""
                insert into {CatalogSchema.Feed} as f (conversation_id, cursor, op, record, revision, model, source, language, rate, published_at, changed_at)
                select u.id, nextval('{CatalogSchema.CursorSequence}'), 'upsert', u.record, u.revision, u.model, u.source, u.language, u.rate, u.published_at, now()
                from unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[])
                     with ordinality as u(id, record, revision, model, source, language, rate, published_at, ord)
                order by u.ord
                on conflict (conversation_id) do update set
                    cursor = excluded.cursor, op = 'upsert', record = excluded.record, revision = excluded.revision, model = excluded.model,
                    source = excluded.source, language = excluded.language, rate = excluded.rate, published_at = excluded.published_at,
                    changed_at = now()
                where f.op = 'upsert'
                """,
                upserts.Select(u => u.Id).ToArray(),
                upserts.Select(u => u.Change.Record.ToJson()).ToArray(),
                upserts.Select(u => u.Change.Revision).ToArray(),
                upserts.Select(u => u.Change.Model).ToArray(),
                upserts.Select(u => u.Change.Source).ToArray(),
                upserts.Select(u => u.Change.Language).ToArray(),
                upserts.Select(u => u.Change.Rate).ToArray(),
                upserts.Select(u => u.Change.PublishedAt.ToUniversalTime()).ToArray());
        }

        var ensured = feed.Where(kv => kv.Value is TakeDown { Ensure: true }).Select(kv => kv.Key).ToArray();
        if (ensured.Length > 0)
        {
            // A delete entry is kept for good; a conversation known to have been public always leaves one.
            operations.QueueSqlCommand($"""
                insert into {CatalogSchema.Feed} as f (conversation_id, cursor, op, record, changed_at)
                select id, nextval('{CatalogSchema.CursorSequence}'), 'delete', null, now() from unnest(?::uuid[]) as d(id)
                on conflict (conversation_id) do update set cursor = excluded.cursor, op = 'delete', record = null,
                    revision = null, model = null, source = null, language = null, rate = null, published_at = null, changed_at = now()
                where f.op = 'upsert'
                """, ensured);
        }

        var takeDowns = feed.Where(kv => kv.Value is TakeDown { Ensure: false }).Select(kv => kv.Key).ToArray();
        if (takeDowns.Length > 0)
        {
            // Take down whatever is public; a conversation never public gets no delete entry.
            operations.QueueSqlCommand($"""
                update {CatalogSchema.Feed} set cursor = nextval('{CatalogSchema.CursorSequence}'), op = 'delete', record = null,
                    revision = null, model = null, source = null, language = null, rate = null, published_at = null, changed_at = now()
                where conversation_id = any(?) and op = 'upsert'
                """, takeDowns);
        }
    }
}
