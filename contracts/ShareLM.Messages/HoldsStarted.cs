namespace ShareLM.Messages;

// Integration messages relayed from committed events onto RabbitMQ. They carry ids, revisions, times and
// metadata, never a conversation's text: no queue, error queue or scheduler row ever holds content.
// Consumers read what they need from the event store and decide from the conversation's current state, since
// a message can arrive twice or out of order. EventSequence is the global sequence of the source event.
// docs/bus-api.md lists them, who sends and who consumes each.

/// <summary>
/// Holds that captures, revisions and ratings started (or restarted), up to a hundred of them from one page of
/// the relay in one message. They come at the rate conversations are captured, and the broker's cost is per
/// message, not per byte. Each entry carries the trace context and correlation id that a message of its own
/// would carry in its headers.
/// </summary>
public sealed record HoldsStarted(IReadOnlyList<HoldStarted> Holds);

/// <summary>
/// A capture, revision or rating started this conversation's hold again. <paramref name="Revision"/> lets
/// Retention pass over an entry that a later revision already superseded; the hold's end comes from the
/// conversation's current state. <paramref name="TraceParent"/> is the W3C context of the request.
/// </summary>
public sealed record HoldStarted(Guid ConversationId, int Revision, long EventSequence, string? TraceParent, Guid? CorrelationId);
