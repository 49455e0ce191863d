namespace ShareLM.Events;

// A report is a stream of its own (its id), not part of the conversation's: anyone may file one, and what it holds
// (the reporter's words and contact) is theirs, not the contributor's.

/// <summary>
/// Someone asked for a public conversation to be taken down, from its page. <paramref name="Details"/> and
/// <paramref name="Contact"/> are the reporter's and are blanked (<paramref name="Erased"/>) once the report is resolved.
/// </summary>
public sealed record ConversationReported(
    Guid ReportId,
    Guid ConversationId,
    string Reason,
    string Details,
    string? Contact,
    DateTimeOffset ReportedAt,
    bool Erased = false);

/// <summary>An operator decided a report: <see cref="Vocabulary.ReportTakeDown"/> (the conversation is deleted through
/// the same path as any deletion) or <see cref="Vocabulary.ReportKeep"/>.</summary>
public sealed record ReportResolved(Guid ReportId, Guid ConversationId, string Decision, string? Note, DateTimeOffset ResolvedAt);

public static class ReportEvents
{
    public static IReadOnlyList<Type> All { get; } = [typeof(ConversationReported), typeof(ReportResolved)];
}
