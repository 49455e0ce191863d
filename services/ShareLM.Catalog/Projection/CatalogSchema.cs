using Marten;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace ShareLM.Catalog.Projection;

/// <summary>
/// The public dataset's storage, created and migrated with Marten's own schema objects:
/// <list type="bullet">
/// <item><c>catalog.feed</c>: the log-compacted change feed, one row per conversation that is or was public:
/// its latest upsert (with the record) or its delete. Every change moves the row to a fresh cursor from
/// <c>catalog.feed_cursor</c>, a sequence that is never reset, so cursors are never reused (also across
/// rebuilds). The current dataset is the upsert rows.
/// The upsert rows also carry what the explorer filters, counts and searches on (model, source, language, rating,
/// per-response rating counts, a full-text vector of the turns), so its pages never parse records in bulk.</item>
/// <item><c>catalog.store</c>: one row, the identity of this store (an id made when the schema is created) and every
/// directory a Catalog instance kept snapshot files in. Snapshot files carry the id: a file made from another
/// database (a store dropped and made again, files left on the disk) is never served.</item>
/// </list>
/// The Catalog keeps no private copy of conversations: a record is made from the stream when published.
/// </summary>
public static class CatalogSchema
{
    public const string Schema = "catalog";
    public const string Feed = "catalog.feed";
    public const string CursorSequence = "catalog.feed_cursor";
    public const string Store = "catalog.store";

    /// <summary>Held by every feed write until commit: cursors are taken and committed in one order, so a reader
    /// that has seen cursor N can never later find a smaller one appear.</summary>
    public const long FeedWriteLock = 7_342_002;

    public static void Register(StoreOptions options)
    {
        var sequence = new Sequence(new PostgresqlObjectName(Schema, "feed_cursor", SchemaUtils.IdentifierUsage.General));
        options.Storage.ExtendedSchemaObjects.Add(sequence);

        var feed = new Table(new PostgresqlObjectName(Schema, "feed", SchemaUtils.IdentifierUsage.General));
        feed.AddColumn<Guid>("conversation_id").AsPrimaryKey();
        feed.AddColumn<long>("cursor").NotNull().AddIndex(i => i.IsUnique = true);
        feed.AddColumn<string>("op").NotNull();
        feed.AddColumn("record", "text").AllowNulls();
        feed.AddColumn<int>("revision").AllowNulls();
        feed.AddColumn<string>("model").AllowNulls();
        feed.AddColumn<string>("source").AllowNulls();
        feed.AddColumn<string>("language").AllowNulls();
        feed.AddColumn<string>("rate").AllowNulls();
        feed.AddColumn("published_at", "timestamptz").AllowNulls();
        feed.AddColumn("changed_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        // For the explorer: per-response rating counts (charts without reading records) and the words of the turns
        // (full-text search, 'simple' configuration: no stemming, so every language is searched alike).
        feed.AddColumn<int>("responses_down").AllowNulls();
        feed.AddColumn<int>("responses_neutral").AllowNulls();
        feed.AddColumn<int>("responses_up").AllowNulls();
        feed.AddColumn("search", "tsvector").AllowNulls();
        feed.Indexes.Add(new IndexDefinition("feed_search_idx") { Columns = ["search"], Method = IndexMethod.gin });
        // Browse pages run newest first (by cursor) within a filter.
        foreach (var column in new[] { "model", "source", "language" })
            feed.Indexes.Add(new IndexDefinition($"feed_{column}_cursor_idx") { Columns = [column, "cursor"] });
        feed.Indexes.Add(new IndexDefinition("feed_published_at_idx") { Columns = ["published_at"] });
        // What the search indexer has still to do, found without reading the rest.
        feed.Indexes.Add(new IndexDefinition("feed_search_pending_idx") { Columns = ["cursor"], Predicate = "op = 'upsert' and search is null" });
        options.Storage.ExtendedSchemaObjects.Add(feed);

        var store = new Table(new PostgresqlObjectName(Schema, "store", SchemaUtils.IdentifierUsage.General));
        store.AddColumn<bool>("singleton").AsPrimaryKey().DefaultValueByExpression("true");
        store.AddColumn<Guid>("id").NotNull().DefaultValueByExpression("gen_random_uuid()");
        store.AddColumn("created_at", "timestamptz").NotNull().DefaultValueByExpression("now()");
        store.AddColumn("snapshot_directories", "text[]").NotNull().DefaultValueByExpression("'{}'");
        options.Storage.ExtendedSchemaObjects.Add(store);
    }
}
