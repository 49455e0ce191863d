using System.Diagnostics;
using Marten;
using MassTransit;
using ShareLM.Conversations;
using ShareLM.Messages;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Retention.Holds;

/// <summary>
/// Schedules a conversation's publication for the end of its hold. Every capture, revision or rating moves
/// the hold; the schedule's token is the conversation id, so scheduling again replaces the previous one. The
/// time comes from the conversation's current state (the publishAt Ingest recorded), not from the message,
/// because messages may arrive twice or out of order; an entry for a revision older than the state's is passed
/// over, since the later revision's own entry schedules it. The relay sends up to a hundred holds in one
/// message, and messages are taken in batches too: one query loads the states of a batch and one statement
/// writes its schedules, since every accepted conversation passes through here.
/// </summary>
public sealed class HoldScheduler(IQuerySession session, PublicationScheduling scheduling, ILogger<HoldScheduler> logger) :
    IConsumer<Batch<HoldsStarted>>
{
    public async Task Consume(ConsumeContext<Batch<HoldsStarted>> context)
    {
        // One schedule per conversation is enough: each is taken from the current state.
        var latest = new Dictionary<Guid, HoldStarted>();
        foreach (var message in context.Message)
            foreach (var hold in message.Message.Holds)
                if (!latest.TryGetValue(hold.ConversationId, out var seen) || seen.Revision <= hold.Revision) latest[hold.ConversationId] = hold;
        if (latest.Count == 0) return;
        var states = (await session.LoadManyAsync<ConversationState>(context.CancellationToken, latest.Keys.ToArray())).ToDictionary(s => s.Id);

        var holds = new List<Hold>(latest.Count);
        foreach (var (id, started) in latest)
        {
            if (!states.TryGetValue(id, out var state))
            {
                logger.LogWarning("No state for conversation {ConversationId}; nothing to schedule", id);
                continue;
            }
            if (state.Status != ConversationStatus.Held) continue; // published, deleting or deleted: nothing to hold
            if (started.Revision < state.Revision) continue; // superseded: the later revision's entry schedules it
            // A span per conversation, continuing the trace of the request that moved its hold.
            using var activity = ShareLMTelemetry.StartContinuing("hold.schedule", ShareLMTelemetry.Parse(started.TraceParent), ActivityKind.Consumer);
            activity?.SetTag("sharelm.conversation.id", id);
            holds.Add(new Hold(id, state.PublishAt, activity?.Id ?? started.TraceParent, started.CorrelationId));
        }
        await scheduling.ScheduleAsync(context, holds, context.CancellationToken);
    }
}
