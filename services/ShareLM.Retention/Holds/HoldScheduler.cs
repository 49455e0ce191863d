using Marten;
using MassTransit;
using ShareLM.Messages;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Retention.Holds;

/// <summary>
/// Schedules a conversation's publication for the end of its hold. Every capture, revision or rating moves
/// the hold; the schedule's token is the conversation id, so scheduling again replaces (cancels) the previous
/// one. The time comes from the stream's current state (the publishAt Ingest recorded), not from the message,
/// because messages may arrive twice or out of order.
/// </summary>
public sealed class HoldScheduler(IQuerySession session, PublicationScheduling scheduling, ILogger<HoldScheduler> logger) :
    IConsumer<ConversationCaptured>,
    IConsumer<ConversationRevised>,
    IConsumer<ConversationRated>
{
    public Task Consume(ConsumeContext<ConversationCaptured> context) => ScheduleLatest(context, context.Message.ConversationId);
    public Task Consume(ConsumeContext<ConversationRevised> context) => ScheduleLatest(context, context.Message.ConversationId);
    public Task Consume(ConsumeContext<ConversationRated> context) => ScheduleLatest(context, context.Message.ConversationId);

    async Task ScheduleLatest(ConsumeContext context, Guid conversationId)
    {
        var state = await session.LoadAsync<ConversationState>(conversationId, context.CancellationToken);
        if (state is null)
        {
            logger.LogWarning("No state for conversation {ConversationId}; nothing to schedule", conversationId);
            return;
        }
        if (state.Status != ConversationStatus.Held) return; // published, deleting or deleted: nothing to hold
        await scheduling.ScheduleAsync(context, state.Id, state.Revision, state.PublishAt);
    }
}

/// <summary>How Retention asks for a publication at a time: through MassTransit's scheduler API, token = conversation id.</summary>
public sealed class PublicationScheduling
{
    public const string PublicationQueue = "sharelm-retention-publication";
    public static readonly Uri PublicationAddress = new($"exchange:{PublicationQueue}");

    static PublicationScheduling()
    {
        // One pending publication per conversation: a new schedule replaces the old one.
        MassTransit.Scheduling.ScheduleTokenId.UseTokenId<PublishConversation>(m => m.ConversationId);
    }

    public static void EnsureTokenConvention() { }

    public async Task ScheduleAsync(ConsumeContext context, Guid conversationId, int revision, DateTimeOffset publishAt)
    {
        var command = new PublishConversation(conversationId, revision, publishAt);
        if (publishAt <= DateTimeOffset.UtcNow)
        {
            // Already due (legacy uploads have no hold): no need to go through the schedule table.
            var endpoint = await context.GetSendEndpoint(PublicationAddress);
            await endpoint.Send(command, context.CancellationToken);
            return;
        }
        var scheduler = context.GetPayload<MessageSchedulerContext>();
        await scheduler.ScheduleSend(PublicationAddress, publishAt.UtcDateTime, command, context.CancellationToken);
    }

    public static Task CancelAsync(ConsumeContext context, Guid conversationId)
    {
        var scheduler = context.GetPayload<MessageSchedulerContext>();
        return scheduler.CancelScheduledSend(PublicationAddress, conversationId);
    }
}
