using ShareLM.Events;

namespace ShareLM.Conversations.Tests;

/// <summary>One event of every type, in an order a stream could hold them (a capture first, the deletion last).</summary>
static class EventSamples
{
    public static readonly Guid Id = Guid.NewGuid();
    static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public static IReadOnlyList<IConversationEvent> All { get; } =
    [
        new ConversationCaptured(Id, Guid.NewGuid(), "client-1", Vocabulary.SourceExtension, "terms-1", new Demographics("30", "f", "IL"),
            "https://chatgpt.com/c/1", "gpt-4o", [new Turn("user", "Hello"), new Turn("assistant", "Hi!")], null, false, "h1", T0, T0.AddHours(24),
            TurnHashes: ["a", "b"]),
        new ConversationRevised(Id, 2, "https://chatgpt.com/c/1", "gpt-4o", [new Turn("user", "Hello!"), new Turn("assistant", "Hi.")], null, false, "h2",
            T0.AddMinutes(1), T0.AddMinutes(1).AddHours(24), TurnHashes: ["c", "d"]),
        new ConversationExtended(Id, 3, 2, [new Turn("user", "More?"), new Turn("assistant", "Sure.")], [null, null, null, 1],
            "https://chatgpt.com/c/1", "gpt-4o", null, false, "h3", T0.AddMinutes(2), T0.AddMinutes(2).AddHours(24), NewTurnHashes: ["e", "f"]),
        new ConversationRated(Id, 4, Vocabulary.RatingUp, [null, 1, null, 1], "h4", T0.AddMinutes(3), T0.AddMinutes(3).AddHours(24)),
        new PublicationRequested(Id, 4, T0.AddMinutes(4)),
        new ConversationPublished(Id, 4, T0.AddMinutes(4), Vocabulary.PublishedOnRequest),
        new ConversationImported(Guid.NewGuid(), "lmsys-chat-1m", "u-1", "user-9", "vicuna-13b", [new Turn("user", "Hi")], null, "en", null, false,
            Demographics.None, "2023-05-01", T0),
        new DeletionRequested(Id, Vocabulary.DeletedByContributor, null, T0.AddMinutes(5)),
        new ConversationDeleted(Id, true, T0.AddMinutes(6)),
    ];
}
