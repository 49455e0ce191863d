using JasperFx.Events;
using Marten.Events.Aggregation;
using ShareLM.Conversations;

namespace ShareLM.ServiceDefaults.EventStore;

/// <summary>
/// Keeps <see cref="ConversationState"/> (the write model) in step with every append, inline. The state folds
/// itself (<see cref="ConversationState.Evolve(object)"/>); this only hands it the events, so the rules stay in
/// ShareLM.Conversations, which knows nothing of the store.
/// </summary>
public sealed class ConversationStateProjection : SingleStreamProjection<ConversationState, Guid>
{
    public ConversationStateProjection()
    {
        Name = nameof(ConversationState);
        // Conversation streams only: a report's stream is not a conversation.
        foreach (var type in ConversationEvents.All) IncludeType(type);
    }

    public override ConversationState Evolve(ConversationState? snapshot, Guid id, IEvent e)
    {
        var state = snapshot ?? new ConversationState { Id = id };
        state.Evolve(e.Data);
        state.Version = e.Version;
        return state;
    }
}
