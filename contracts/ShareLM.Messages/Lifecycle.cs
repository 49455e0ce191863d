namespace ShareLM.Messages;

// Integration messages relayed from committed events onto RabbitMQ. They carry ids, revisions, times and
// metadata, never a conversation's text: no queue, error queue or scheduler row ever holds content.
// Consumers read what they need from the event store and decide from the stream's current state, since a
// message can arrive twice or out of order. EventSequence is the global sequence of the source event.

public sealed record ConversationCaptured(Guid ConversationId, int Revision, DateTimeOffset PublishAt, string Source, long EventSequence, DateTimeOffset OccurredAt);

public sealed record ConversationRevised(Guid ConversationId, int Revision, DateTimeOffset PublishAt, long EventSequence, DateTimeOffset OccurredAt);

public sealed record ConversationRated(Guid ConversationId, int Revision, DateTimeOffset PublishAt, long EventSequence, DateTimeOffset OccurredAt);

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
