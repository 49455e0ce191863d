using JasperFx.Events;
using Marten;
using ShareLM.Events;

namespace ShareLM.Ingest.Streams;

/// <summary>
/// A conversation's text as its contributor last sent it, with their ratings, folded from its stream (the write
/// model keeps no text). Blank from the deletion request on. <see cref="Version"/> is the stream version it
/// was folded at.
/// </summary>
public sealed record ConversationContent(long Version, IReadOnlyList<Turn> Turns)
{
    public static readonly ConversationContent None = new(0, []);

    public static ConversationContent Fold(IEnumerable<IEvent> events)
    {
        long version = 0;
        IReadOnlyList<Turn> turns = [];
        foreach (var e in events)
        {
            version = e.Version;
            switch (e.Data)
            {
                case ConversationCaptured x: turns = x.Turns; break;
                case ConversationRevised x: turns = x.Turns; break;
                case ConversationExtended x: turns = x.ApplyTo(turns); break;
                case ConversationRated x: turns = Turn.WithRatings(turns, x.TurnRatings); break;
                case DeletionRequested or ConversationDeleted: turns = []; break;
            }
        }
        return new ConversationContent(version, turns);
    }

    public static async Task<ConversationContent> ReadAsync(IQuerySession session, Guid conversationId, CancellationToken cancellationToken) =>
        Fold(await session.Events.FetchStreamAsync(conversationId, token: cancellationToken));

    /// <summary>The content of many conversations, a few queries in all.</summary>
    public static async Task<IReadOnlyDictionary<Guid, ConversationContent>> ReadManyAsync(IQuerySession session,
        IReadOnlyCollection<Guid> conversationIds, CancellationToken cancellationToken)
    {
        var contents = new Dictionary<Guid, ConversationContent>(conversationIds.Count);
        foreach (var chunk in conversationIds.Chunk(500))
        {
            var events = await session.Events.QueryAllRawEvents()
                .Where(e => e.StreamId.IsOneOf(chunk))
                .OrderBy(e => e.Sequence)
                .ToListAsync(cancellationToken);
            foreach (var stream in events.GroupBy(e => e.StreamId)) contents[stream.Key] = Fold(stream);
        }
        return contents;
    }
}
