using JasperFx.Events;
using Marten;
using MassTransit;
using ShareLM.Conversations;
using ShareLM.Conversations.Language;
using ShareLM.Events;
using ShareLM.Messages;
using ShareLM.Retention.Holds;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Retention.Publication;

/// <summary>
/// Ends holds. A scheduled <see cref="PublishConversation"/> publishes only if its conversation is
/// still held and its hold is over; a stale one (the conversation was revised since) re-schedules the latest
/// hold, so a lost or out-of-order schedule heals itself. <see cref="PublishNowRequested"/>
/// publishes at once and cancels the schedule. The append expects the version it read, so a deletion that
/// lands meanwhile wins: the retry sees it and does nothing.
/// </summary>
public sealed class ConversationPublisher(IDocumentSession session, PublicationScheduling scheduling, LanguageDetector languages, TimeProvider clock,
    ILogger<ConversationPublisher> logger) :
    IConsumer<PublishConversation>,
    IConsumer<PublishNowRequested>
{
    /// <summary>A scheduled message may arrive a little before its time on a machine whose clock runs ahead.</summary>
    static readonly TimeSpan EarlyTolerance = TimeSpan.FromMilliseconds(250);

    public async Task Consume(ConsumeContext<PublishConversation> context)
    {
        var id = context.Message.ConversationId;
        var stream = await session.Events.FetchForWriting<ConversationState>(id, context.CancellationToken);
        var state = stream.Aggregate;
        if (state is null || state.Status != ConversationStatus.Held) return;

        var now = clock.GetUtcNow();
        if (state.PublishAt > now + EarlyTolerance)
        {
            // Revised since this was scheduled, or early: the latest hold decides.
            await scheduling.ScheduleAsync(context, id, state.PublishAt, context.CancellationToken);
            return;
        }
        await PublishAsync(stream, state, now, Vocabulary.PublishedBecauseHoldEnded, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<PublishNowRequested> context)
    {
        var id = context.Message.ConversationId;
        var stream = await session.Events.FetchForWriting<ConversationState>(id, context.CancellationToken);
        var state = stream.Aggregate;
        if (state is null || state.Status != ConversationStatus.Held) return;
        if (state.Revision != context.Message.Revision) return; // changed after the request: the new revision is held again
        await PublishAsync(stream, state, clock.GetUtcNow(), Vocabulary.PublishedOnRequest, context.CancellationToken);
        await scheduling.CancelAsync(id, context.CancellationToken);
    }

    async Task PublishAsync(IEventStream<ConversationState> stream, ConversationState state, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        if (ShareLMTelemetry.CurrentTraceParent() is { } traceParent) session.SetHeader(ShareLMTelemetry.TraceParentHeader, traceParent);
        // The language is detected once, here, and recorded: a replay of the streams only reads it.
        var events = await session.Events.FetchStreamAsync(state.Id, token: cancellationToken);
        var language = languages.Of(ConversationContent.Fold(events.Select(e => e.Data)));
        stream.AppendOne(new ConversationPublished(state.Id, state.Revision, now, reason, language));
        await session.SaveChangesAsync(cancellationToken);
        ShareLMTelemetry.Published.Add(1, new KeyValuePair<string, object?>("reason", reason));
        logger.LogInformation("Published conversation {ConversationId} revision {Revision} ({Reason})", state.Id, state.Revision, reason);
    }
}
