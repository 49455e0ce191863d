namespace ShareLM.Messages;

/// <summary>
/// Sent by the scheduler when a hold ends: publish the conversation if it is still held and its hold is over.
/// The conversation's current state decides (it may have been revised, published or deleted since), so the
/// command names nothing else.
/// </summary>
public sealed record PublishConversation(Guid ConversationId);

/// <summary>Operator request to Retention: find held conversations whose schedule is missing or overdue and schedule them again.</summary>
public sealed record ReconcileHolds(Guid RequestId, bool DryRun);

/// <summary>What a reconciliation found and did.</summary>
public sealed record HoldsReconciled(Guid RequestId, int Held, int Scheduled, int Missing, int Overdue, int Rescheduled, IReadOnlyList<Guid> Conversations,
    int StalledErasures = 0);
