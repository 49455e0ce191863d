using Marten;
using ShareLM.Conversations;

namespace ShareLM.Ingest.Streams;

/// <summary>
/// Reads a conversation's content for its contributor: the write model keeps no text, so it is folded from the
/// stream (<see cref="ConversationContent.Fold"/>), blank from the deletion request on.
/// </summary>
public static class ContentReader
{
    public static async Task<ConversationContent> ReadAsync(IQuerySession session, Guid conversationId, CancellationToken cancellationToken) =>
        ConversationContent.Fold((await session.Events.FetchStreamAsync(conversationId, token: cancellationToken)).Select(e => e.Data));

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
            foreach (var stream in events.GroupBy(e => e.StreamId)) contents[stream.Key] = ConversationContent.Fold(stream.Select(e => e.Data));
        }
        return contents;
    }
}
