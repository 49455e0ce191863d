using System.Diagnostics;
using Marten;
using MassTransit;
using ShareLM.Messages;
using ShareLM.Retention.Scheduling;
using ScheduledMessage = ShareLM.Retention.Scheduling.ScheduledMessage;
using ShareLM.ServiceDefaults.EventStore;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Retention.Holds;

/// <summary>
/// Schedules a conversation's publication for the end of its hold. Every capture, revision or rating moves
/// the hold; the schedule's token is the conversation id, so scheduling again replaces the previous one. The
/// time comes from the stream's current state (the publishAt Ingest recorded), not from the message, because
/// messages may arrive twice or out of order. The relay sends up to a hundred holds in one message, and
/// messages are taken in batches too: one query loads the states of a batch and one statement writes its
/// schedules, since every accepted conversation passes through here.
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
                latest[hold.ConversationId] = hold;
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
            // A span per conversation, continuing the trace of the request that moved its hold.
            using var activity = ShareLMTelemetry.StartContinuing("hold.schedule", ShareLMTelemetry.Parse(started.TraceParent), ActivityKind.Consumer);
            activity?.SetTag("sharelm.conversation.id", id);
            holds.Add(new Hold(id, state.Revision, state.PublishAt, activity?.Id ?? started.TraceParent, started.CorrelationId));
        }
        await scheduling.ScheduleAsync(context, holds, context.CancellationToken);
    }
}

/// <summary>A conversation's hold to schedule: its publication at <paramref name="PublishAt"/>.</summary>
public sealed record Hold(Guid ConversationId, int Revision, DateTimeOffset PublishAt, string? TraceParent, Guid? CorrelationId);

/// <summary>
/// How Retention schedules and cancels publications. Retention owns the scheduler's table, so it writes the
/// schedule rows itself (one statement for many holds) instead of sending MassTransit's ScheduleMessage to its
/// own scheduler endpoint, which would cost a broker round trip per hold. The rows are the same the endpoint
/// writes: MassTransit's envelope of <see cref="PublishConversation"/>, token = conversation id.
/// </summary>
public sealed class PublicationScheduling(ScheduleStore schedules, TimeProvider clock)
{
    public const string PublicationQueue = "sharelm-retention-publication";
    public static readonly Uri PublicationAddress = new($"exchange:{PublicationQueue}");

    static PublicationScheduling()
    {
        // One pending publication per conversation, also for schedules sent through the scheduler endpoint.
        MassTransit.Scheduling.ScheduleTokenId.UseTokenId<PublishConversation>(m => m.ConversationId);
    }

    public static void EnsureTokenConvention() { }

    public Task ScheduleAsync(ISendEndpointProvider sender, Guid conversationId, int revision, DateTimeOffset publishAt, CancellationToken cancellationToken) =>
        ScheduleAsync(sender, [new Hold(conversationId, revision, publishAt, ShareLMTelemetry.CurrentTraceParent(), null)], cancellationToken);

    public async Task ScheduleAsync(ISendEndpointProvider sender, IReadOnlyCollection<Hold> holds, CancellationToken cancellationToken)
    {
        if (holds.Count == 0) return;
        var now = clock.GetUtcNow();
        var rows = new List<ScheduledMessage>(holds.Count);
        var due = new List<PublishConversation>();
        foreach (var hold in holds)
        {
            var command = new PublishConversation(hold.ConversationId, hold.Revision, hold.PublishAt);
            // Already due (legacy uploads have no hold): no need to go through the schedule table.
            if (hold.PublishAt <= now) due.Add(command);
            else rows.Add(ScheduledMessage.Of(command, hold.ConversationId, hold.PublishAt, PublicationAddress, hold.TraceParent, hold.CorrelationId));
        }
        // The row is committed before the message that asked for it is acknowledged.
        await schedules.UpsertAsync(rows, cancellationToken);
        if (due.Count > 0)
        {
            var endpoint = await sender.GetSendEndpoint(PublicationAddress);
            await Task.WhenAll(due.Select(command => endpoint.Send(command, cancellationToken)));
        }
    }

    public Task CancelAsync(Guid conversationId, CancellationToken cancellationToken) => schedules.CancelAsync(conversationId, cancellationToken);
}
