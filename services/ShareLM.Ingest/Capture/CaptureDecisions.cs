using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Streams;

namespace ShareLM.Ingest.Capture;

/// <summary>
/// Who sends a capture, and the hold that applies to it. <paramref name="AppendOnly"/>: a re-send may add turns
/// (and change ratings) but not change the turns sent before. The original extension's uploads are so: their ids
/// are their only credential, and whoever learned them must not rewrite what a person sent.
/// </summary>
public sealed record CaptureOrigin(Guid ContributorId, string Source, string TermsVersion, Demographics Demographics, TimeSpan Hold, bool AppendOnly = false);

/// <summary>
/// What a capture does to a conversation's stream: the first send captures (revision 1); a send with new
/// content appends a revision (only the turns after those it keeps from the last revision, when it keeps any);
/// an identical send changes nothing; a deleted conversation stays deleted. Every change restarts the hold from
/// now (the original extension counted its 24 hours from the last change).
/// </summary>
public static class CaptureDecisions
{
    public static Decide Capture(Guid conversationId, CaptureOrigin origin, NormalizedConversation conversation) => (state, now) =>
    {
        if (state is { IsDeletedOrDeleting: true })
            return new Decision.Refuse(StatusCodes.Status410Gone, "Gone", "This conversation was deleted; it cannot be sent again.");
        var publishAt = now + origin.Hold;
        if (state is null)
        {
            return new Decision.Append([new ConversationCaptured(conversationId, origin.ContributorId, conversation.ClientConversationId,
                origin.Source, origin.TermsVersion, origin.Demographics, conversation.PageUrl, conversation.Model, conversation.Turns,
                conversation.Rating, conversation.Redacted, conversation.ContentHash, now, publishAt, TurnHashes: conversation.TurnHashes)]);
        }
        if (state.ContentHash == conversation.ContentHash) return Decision.Nothing;
        // Only what follows the turns the last revision already has is stored again.
        var kept = TurnHashes.CommonPrefix(state.TurnHashes, conversation.TurnHashes);
        if (origin.AppendOnly && kept < state.TurnHashes.Count)
            return new Decision.Refuse(StatusCodes.Status409Conflict, "Conflict",
                "An upload may add turns to what was sent before under this conversation id, not change or remove them.");
        if (kept > 0)
            return new Decision.Append([new ConversationExtended(conversationId, state.Revision + 1, kept, [.. conversation.Turns.Skip(kept)],
                [.. conversation.Turns.Select(t => t.Rating)], conversation.PageUrl, conversation.Model, conversation.Rating, conversation.Redacted,
                conversation.ContentHash, now, publishAt, NewTurnHashes: [.. conversation.TurnHashes.Skip(kept)])]);
        return new Decision.Append([new ConversationRevised(conversationId, state.Revision + 1, conversation.PageUrl, conversation.Model,
            conversation.Turns, conversation.Rating, conversation.Redacted, conversation.ContentHash, now, publishAt,
            TurnHashes: conversation.TurnHashes)]);
    };

    public static string StatusName(ConversationState? state) => state?.Status switch
    {
        ConversationStatus.Published => "published",
        ConversationStatus.Deleting or ConversationStatus.Deleted => "deleted",
        _ => "held",
    };
}
