using Marten;
using Npgsql;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Catalog.Projection;

/// <summary>
/// Reads what published revisions contain, straight from their streams: for each (stream, version of its
/// <see cref="ConversationPublished"/>), the capture plus the revisions from the last one that holds its whole
/// text (<see cref="IHoldsWholeText"/>) before that version, folded (<see cref="ConversationContent.Fold"/>). One query per projection batch, on the
/// (stream_id, version) index; superseded revisions before the last full text are never read.
/// </summary>
public sealed class RevisionReader(NpgsqlDataSource db)
{
    /// <summary>The revisions (captures, re-sends, ratings): what a published revision is folded from.</summary>
    static readonly Type[] ContentTypes = [.. ConversationEvents.All.Where(t => typeof(IRevision).IsAssignableFrom(t))];
    /// <summary>The revisions that hold their whole text: the fold starts from the last of them.</summary>
    static readonly Type[] FullTextTypes = [.. ContentTypes.Where(t => typeof(IHoldsWholeText).IsAssignableFrom(t))];

    /// <summary>The stored type names of the content events, resolved from the store's event mappings once.</summary>
    sealed record Aliases(Dictionary<string, Type> Content, string[] FullText)
    {
        public string[] ContentNames { get; } = [.. Content.Keys];
    }
    Aliases? _aliases;

    public async Task<Dictionary<Guid, ConversationContent>> ReadAsync(IDocumentStore store, IReadOnlyCollection<(Guid Stream, long PublishedVersion)> wanted,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, ConversationContent>();
        if (wanted.Count == 0) return found;
        var aliases = _aliases ??= Resolve(((DocumentStore)store).Events);
        var serializer = store.Options.Serializer();

        await using var command = db.CreateCommand($"""
            select e.stream_id, e.type, e.data
            from unnest($1::uuid[], $2::bigint[]) as p(id, v)
            cross join lateral (
                select coalesce(max(f.version), 1) as base from {EventStoreSetup.Schema}.mt_events f
                where f.stream_id = p.id and f.version < p.v and f.type = any($3)) b
            join {EventStoreSetup.Schema}.mt_events e
              on e.stream_id = p.id and e.version < p.v and (e.version = 1 or e.version >= b.base) and e.type = any($4)
            order by e.stream_id, e.version
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = wanted.Select(w => w.Stream).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = wanted.Select(w => w.PublishedVersion).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = aliases.FullText });
        command.Parameters.Add(new NpgsqlParameter { Value = aliases.ContentNames });

        var stream = Guid.Empty;
        var history = new List<object>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetGuid(0);
                if (id != stream) Flush();
                stream = id;
                history.Add(serializer.FromJson(aliases.Content[reader.GetString(1)], reader, 2));
            }
        }
        Flush();
        return found;

        void Flush()
        {
            if (history.Count > 0 && ConversationContent.Fold(history) is { HasContent: true } content) found[stream] = content;
            history.Clear();
        }
    }

    static Aliases Resolve(Marten.Events.EventGraph events) => new(
        ContentTypes.ToDictionary(t => events.EventMappingFor(t).EventTypeName),
        [.. FullTextTypes.Select(t => events.EventMappingFor(t).EventTypeName)]);
}
