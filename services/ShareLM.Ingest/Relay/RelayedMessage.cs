using System.Diagnostics;
using JasperFx.Events;
using ShareLM.ServiceDefaults.Telemetry;
using Domain = ShareLM.Events;
using Integration = ShareLM.Messages;

namespace ShareLM.Ingest.Relay;

/// <summary>
/// An integration message for one or more committed events. The captures, revisions and ratings of a page
/// travel together as <see cref="Integration.HoldsStarted"/> (a hundred at most, so that Retention's
/// consumers still share the work); every other event is a message of its own. A message's id is its first
/// event's id, so a page published twice is recognisably the same messages.
/// </summary>
public sealed record RelayedMessage(object Body, IReadOnlyList<IEvent> Events, Guid MessageId, Guid? CorrelationId)
{
    public const int MaxHoldsPerMessage = 100;

    /// <summary>
    /// The messages for these events: every other event's in order, a batch of holds when it is full and the
    /// last one at the end (the relay publishes a page's messages concurrently, so order promises nothing).
    /// </summary>
    public static IEnumerable<RelayedMessage> Of(IEnumerable<IEvent> events)
    {
        var holds = new List<(IEvent Event, Integration.HoldStarted Hold)>(MaxHoldsPerMessage);
        foreach (var e in events)
        {
            if (HoldOf(e) is { } hold)
            {
                holds.Add((e, hold));
                if (holds.Count == MaxHoldsPerMessage)
                {
                    yield return Batch(holds);
                    holds = new(MaxHoldsPerMessage);
                }
            }
            else if (ToMessage(e) is { } message)
            {
                yield return new RelayedMessage(message, [e], e.Id, CorrelationOf(e));
            }
        }
        if (holds.Count > 0) yield return Batch(holds);
    }

    static RelayedMessage Batch(List<(IEvent Event, Integration.HoldStarted Hold)> holds) =>
        // One conversation's correlation id is not the batch's; each entry carries its own.
        new(new Integration.HoldsStarted(holds.ConvertAll(h => h.Hold)), holds.ConvertAll(h => h.Event), holds[0].Event.Id, null);

    /// <summary>The hold a capture, revision or rating started; null for any other event.</summary>
    public static Integration.HoldStarted? HoldOf(IEvent e) => e.Data switch
    {
        Domain.ConversationCaptured x => Hold(e, x.ConversationId, Integration.HoldCause.Captured, 1, x.PublishAt),
        Domain.ConversationRevised x => Hold(e, x.ConversationId, Integration.HoldCause.Revised, x.Revision, x.PublishAt),
        // For Retention a revision is a revision, however much of it was stored.
        Domain.ConversationExtended x => Hold(e, x.ConversationId, Integration.HoldCause.Revised, x.Revision, x.PublishAt),
        Domain.ConversationRated x => Hold(e, x.ConversationId, Integration.HoldCause.Rated, x.Revision, x.PublishAt),
        _ => null,
    };

    static Integration.HoldStarted Hold(IEvent e, Guid conversationId, Integration.HoldCause cause, int revision, DateTimeOffset publishAt) =>
        new(conversationId, cause, revision, publishAt, e.Sequence, e.Timestamp, ShareLMTelemetry.TraceParentOf(e), CorrelationOf(e));

    /// <summary>The request's correlation id, recorded on the event by the writer.</summary>
    static Guid? CorrelationOf(IEvent e) => Guid.TryParse(e.CorrelationId, out var correlation) ? correlation : null;

    /// <summary>Any other relayed event to its integration message: ids, revisions and times only.</summary>
    static object? ToMessage(IEvent e) => e.Data switch
    {
        Domain.PublicationRequested x => new Integration.PublicationRequested(x.ConversationId, x.Revision, e.Sequence, e.Timestamp),
        Domain.DeletionRequested x => new Integration.DeletionRequested(x.ConversationId, x.RequestedBy, e.Sequence, e.Timestamp),
        Domain.ConversationPublished x => new Integration.ConversationPublished(x.ConversationId, x.Revision, x.Reason, e.Sequence, x.PublishedAt),
        Domain.ConversationDeleted x => new Integration.ConversationDeleted(x.ConversationId, x.WasPublic, e.Sequence, x.DeletedAt),
        _ => null,
    };

    /// <summary>
    /// The producer span: it continues the trace of a message's only event, and links the events' traces when
    /// there are several (a span has one parent).
    /// </summary>
    public Activity? StartActivity()
    {
        var name = Body is Integration.HoldsStarted ? "relay holds_started" : $"relay {Events[0].EventTypeName}";
        var activity = Events.Count == 1
            ? ShareLMTelemetry.StartContinuing(name, ShareLMTelemetry.ContextOf(Events[0]), ActivityKind.Producer)
            : ShareLMTelemetry.Source.StartActivity(name, ActivityKind.Producer, default(ActivityContext),
                links: Events.Select(e => ShareLMTelemetry.ContextOf(e)).Where(c => c != default).Select(c => new ActivityLink(c)));
        if (activity is null) return null;
        if (Events.Count == 1) activity.SetTag("sharelm.conversation.id", Events[0].StreamId);
        activity.SetTag("sharelm.event.sequence", Events[0].Sequence);
        activity.SetTag("sharelm.relay.events", Events.Count);
        return activity;
    }
}
