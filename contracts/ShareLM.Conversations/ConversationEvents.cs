using ShareLM.Events;

namespace ShareLM.Conversations;

/// <summary>The event types of a conversation's stream: every <see cref="IConversationEvent"/> in the events' assembly.</summary>
public static class ConversationEvents
{
    public static IReadOnlyList<Type> All { get; } =
    [
        .. typeof(IConversationEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IConversationEvent).IsAssignableFrom(t))
            .OrderBy(t => t.Name, StringComparer.Ordinal),
    ];
}
