namespace ShareLM.Retention.Holds;

/// <summary>A conversation's hold to schedule: its publication at <paramref name="PublishAt"/>.</summary>
public sealed record Hold(Guid ConversationId, DateTimeOffset PublishAt, string? TraceParent, Guid? CorrelationId);
