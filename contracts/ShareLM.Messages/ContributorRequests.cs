namespace ShareLM.Messages;

/// <summary>The contributor asked to publish this revision now (relayed from the event of the same meaning).</summary>
public sealed record PublishNowRequested(Guid ConversationId, int Revision, long EventSequence, DateTimeOffset OccurredAt);

/// <summary>A withdrawal, an account deletion or an operator's take-down was recorded: erase the conversation.</summary>
public sealed record ErasureRequested(Guid ConversationId, string RequestedBy, long EventSequence, DateTimeOffset OccurredAt);
