namespace ShareLM.Messages;

// Integration messages relayed from committed events onto RabbitMQ. They carry ids, revisions, times and
// metadata, never a conversation's text: no queue, error queue or scheduler row ever holds content.
// Consumers read what they need from the event store and decide from the stream's current state, since a
// message can arrive twice or out of order. EventSequence is the global sequence of the source event.

/// <summary>
/// Holds that captures, revisions and ratings started (or restarted), up to a hundred of them from one page of
/// the relay in one message. They come at the rate conversations are captured, and the broker's cost is per
/// message, not per byte: one message per conversation made RabbitMQ, publishing and consuming the largest
/// part of a capture's CPU after PostgreSQL. Each entry carries the trace context and correlation id that a
/// message of its own would carry in its headers.
/// </summary>
public sealed record HoldsStarted(IReadOnlyList<HoldStarted> Holds);

/// <summary>
/// A capture, revision or rating started this conversation's hold again, to end at <paramref name="PublishAt"/>
/// (the time Ingest recorded in the event). <paramref name="TraceParent"/> is the W3C context of the request.
/// </summary>
public sealed record HoldStarted(Guid ConversationId, HoldCause Cause, int Revision, DateTimeOffset PublishAt, long EventSequence,
    DateTimeOffset OccurredAt, string? TraceParent, Guid? CorrelationId);

/// <summary>What started a hold.</summary>
public enum HoldCause { Captured, Revised, Rated }

public sealed record PublicationRequested(Guid ConversationId, int Revision, long EventSequence, DateTimeOffset OccurredAt);

public sealed record DeletionRequested(Guid ConversationId, string RequestedBy, long EventSequence, DateTimeOffset OccurredAt);

/// <summary>Announcement for mirrors: a revision joined the public collection.</summary>
public sealed record ConversationPublished(Guid ConversationId, int Revision, string Reason, long EventSequence, DateTimeOffset PublishedAt);

/// <summary>Announcement for mirrors: the conversation was erased; drop it if you hold it.</summary>
public sealed record ConversationDeleted(Guid ConversationId, bool WasPublic, long EventSequence, DateTimeOffset DeletedAt);

/// <summary>Command, sent by the scheduler when a hold ends: publish this revision if it is still the latest and still held.</summary>
public sealed record PublishConversation(Guid ConversationId, int Revision, DateTimeOffset DueAt);

/// <summary>Operator request to Retention: find held conversations whose schedule is missing or overdue and schedule them again.</summary>
public sealed record ReconcileHolds(Guid RequestId, bool DryRun);

/// <summary>What a reconciliation found and did.</summary>
public sealed record HoldsReconciled(Guid RequestId, int Held, int Scheduled, int Missing, int Overdue, int Rescheduled, IReadOnlyList<Guid> Conversations,
    int StalledErasures = 0);
