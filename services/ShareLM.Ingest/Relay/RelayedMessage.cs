using System.Diagnostics;
using JasperFx.Events;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Messages;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Ingest.Relay;

/// <summary>
/// An integration message for one or more committed events. The revisions of a page (captures, re-sends and
/// ratings: every <see cref="IRevision"/>) travel together as <see cref="HoldsStarted"/> (a hundred at most, so that Retention's
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
        var holds = new List<(IEvent Event, HoldStarted Hold)>(MaxHoldsPerMessage);
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

    static RelayedMessage Batch(List<(IEvent Event, HoldStarted Hold)> holds) =>
        // One conversation's correlation id is not the batch's; each entry carries its own.
        new(new HoldsStarted(holds.ConvertAll(h => h.Hold)), holds.ConvertAll(h => h.Event), holds[0].Event.Id, null);

    /// <summary>The hold a revision started; null for any other event.</summary>
    public static HoldStarted? HoldOf(IEvent e) => e.Data is IRevision r
        ? new HoldStarted(r.ConversationId, r.Revision, e.Sequence, ShareLMTelemetry.TraceParentOf(e), CorrelationOf(e))
        : null;

    /// <summary>The request's correlation id, recorded on the event by the writer.</summary>
    static Guid? CorrelationOf(IEvent e) => Guid.TryParse(e.CorrelationId, out var correlation) ? correlation : null;

    /// <summary>Every other relayed event and its integration message: ids, revisions and times only.</summary>
    static readonly Dictionary<Type, Func<IEvent, object>> Messages = new KeyValuePair<Type, Func<IEvent, object>>[]
    {
        Map<PublicationRequested>((x, e) => new PublishNowRequested(x.ConversationId, x.Revision, e.Sequence, e.Timestamp)),
        Map<DeletionRequested>((x, e) => new ErasureRequested(x.ConversationId, x.RequestedBy, e.Sequence, e.Timestamp)),
        Map<ConversationPublished>((x, e) => new ConversationMadePublic(x.ConversationId, x.Revision, x.Reason, e.Sequence, x.PublishedAt)),
        Map<ConversationDeleted>((x, e) => new ConversationTakenDown(x.ConversationId, x.WasPublic, e.Sequence, x.DeletedAt)),
    }.ToDictionary();

    static KeyValuePair<Type, Func<IEvent, object>> Map<T>(Func<T, IEvent, object> message) => new(typeof(T), e => message((T)e.Data, e));

    static object? ToMessage(IEvent e) => Messages.TryGetValue(e.EventType, out var message) ? message(e) : null;

    /// <summary>The event types the relay reads: every revision, and those with a message of their own (imports have none: they are public at once).</summary>
    public static IEnumerable<Type> RelayedTypes =>
        ConversationEvents.All.Where(t => typeof(IRevision).IsAssignableFrom(t) || Messages.ContainsKey(t));

    /// <summary>
    /// The producer span: it continues the trace of a message's only event, and links the events' traces when
    /// there are several (a span has one parent).
    /// </summary>
    public Activity? StartActivity()
    {
        var name = Body is HoldsStarted ? "relay holds_started" : $"relay {Events[0].EventTypeName}";
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
