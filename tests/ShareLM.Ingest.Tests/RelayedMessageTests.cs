using System.Diagnostics;
using JasperFx.Events;
using ShareLM.Events;
using ShareLM.Ingest.Relay;
using ShareLM.Messages;
using ShareLM.ServiceDefaults.Telemetry;
using static ShareLM.Ingest.Tests.DecisionTestData;

namespace ShareLM.Ingest.Tests;

/// <summary>Which committed events become which integration messages.</summary>
public sealed class RelayedMessageTests
{
    static IEvent Committed(object data, long sequence, Guid? conversation = null)
    {
        var e = (IEvent)Activator.CreateInstance(typeof(Event<>).MakeGenericType(data.GetType()), data)!;
        e.Sequence = sequence;
        e.Id = Guid.NewGuid();
        e.StreamId = conversation ?? Id;
        e.Timestamp = Now.AddSeconds(sequence);
        e.CorrelationId = Guid.NewGuid().ToString();
        e.SetHeader(ShareLMTelemetry.TraceParentHeader, $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01");
        return e;
    }

    static ConversationRated Rated(Guid id, int revision) => new(id, revision, "up", [null, 1], "h", Now, Now.AddHours(25));

    [Fact]
    public void Captures_revisions_and_ratings_travel_together_with_each_ones_trace_and_the_rest_alone()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var events = new[]
        {
            Committed(Rated(a, 2), 10, a),
            Committed(new PublicationRequested(a, 2, Now), 11, a),
            Committed(new ConversationRevised(b, 3, null, "m", [new Turn("user", "q")], null, false, "h", Now, Now.AddHours(24)), 12, b),
            Committed(new DeletionRequested(b, "contributor", null, Now), 13, b),
            Committed(new ConversationExtended(a, 4, 1, [new Turn("assistant", "x")], [null, null], null, "m", null, false, "h", Now, Now.AddHours(26)), 14, a),
        };

        var messages = RelayedMessage.Of(events).ToList();

        Assert.Equal(3, messages.Count);
        // The others keep their own event's id and correlation; the holds come in one batch, at the end.
        var publication = Assert.IsType<PublishNowRequested>(messages[0].Body);
        Assert.Equal((a, 2, 11L), (publication.ConversationId, publication.Revision, publication.EventSequence));
        Assert.Equal(events[1].Id, messages[0].MessageId);
        Assert.Equal(Guid.Parse(events[1].CorrelationId!), messages[0].CorrelationId);
        Assert.IsType<ErasureRequested>(messages[1].Body);
        Assert.Equal(events[3].Id, messages[1].MessageId);

        var batch = messages[2];
        var holds = Assert.IsType<HoldsStarted>(batch.Body).Holds;
        Assert.Equal(events[0].Id, batch.MessageId);
        Assert.Null(batch.CorrelationId);
        Assert.Equal([events[0], events[2], events[4]], batch.Events);
        Assert.Equal(
            [(a, 2, 10L), (b, 3, 12L), (a, 4, 14L)],
            holds.Select(h => (h.ConversationId, h.Revision, h.EventSequence)));
        for (var i = 0; i < holds.Count; i++)
        {
            var source = batch.Events[i];
            Assert.Equal(ShareLMTelemetry.TraceParentOf(source), holds[i].TraceParent);
            Assert.Equal(Guid.Parse(source.CorrelationId!), holds[i].CorrelationId);
        }
    }

    [Fact]
    public void A_hundred_holds_at_most_to_a_message_and_none_lost()
    {
        var events = Enumerable.Range(1, 250).Select(i => Committed(Rated(Guid.NewGuid(), 2), i, Guid.NewGuid())).ToArray();

        var messages = RelayedMessage.Of(events).ToList();

        Assert.Equal([100, 100, 50], messages.Select(m => ((HoldsStarted)m.Body).Holds.Count));
        Assert.Equal(events.Select(e => e.Sequence), messages.SelectMany(m => ((HoldsStarted)m.Body).Holds).Select(h => h.EventSequence));
        Assert.Equal([events[0].Id, events[100].Id, events[200].Id], messages.Select(m => m.MessageId));
    }

    [Fact]
    public void Imports_make_no_message()
    {
        // Already public: nothing to hold or publish, and the Catalog reads them from the event store.
        var imported = Committed(new ConversationImported(Id, "lmsys", "u1", null, "m", [new Turn("user", "q")], null, null, null, false,
            Demographics.None, null, Now), 1);
        Assert.Empty(RelayedMessage.Of([imported]));
    }
}
