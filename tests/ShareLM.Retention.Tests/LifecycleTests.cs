using System.Net;
using MassTransit;
using Npgsql;
using ShareLM.Messages;
using ShareLM.Retention.Holds;
using ShareLM.Retention.Scheduling;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Retention.Tests;

/// <summary>The hold, publication and deletion with a hold of a few seconds, against real PostgreSQL and RabbitMQ.</summary>
public sealed class LifecycleTests(FullStackFixture fixture) : IClassFixture<FullStackFixture>
{
    [Fact]
    public async Task A_conversation_is_held_then_published_once_when_its_hold_ends()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var accepted = await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("held-then-published"));
        var id = Lifecycle.IdOf(accepted);
        var publishAt = DateTimeOffset.Parse((string)accepted["publishAt"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Catalog.GetAsync($"/v1/records/{id}")).StatusCode);

        await Eventually.Get(() => fixture.Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "publication");
        var publishedAt = DateTimeOffset.Parse(System.Text.Json.Nodes.JsonNode.Parse(
            (await fixture.EventsAsync(id)).Single(e => e.Type == "conversation_published").Data)!["publishedAt"]!.ToString());
        Assert.True(publishedAt >= publishAt, $"published at {publishedAt:O}, before the hold ended at {publishAt:O}");
        Assert.Equal(1, await fixture.PublishedCountAsync(id));
    }

    [Fact]
    public async Task A_conversation_deleted_inside_its_hold_is_never_published_even_if_a_publish_arrives_afterwards()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = Lifecycle.IdOf(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("deleted-in-hold")));
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.Ingest.SendAsync(contributor, HttpMethod.Delete, $"/v1/conversations/{id}")).StatusCode);
        await fixture.WaitForEventAsync(id, "conversation_deleted", TimeSpan.FromSeconds(20));

        // A publication that was already on its way (or a stray one) arrives after the deletion.
        var bus = fixture.Stack[Service.Retention].GetRequiredService<IBus>();
        var endpoint = await bus.GetSendEndpoint(QueueNames.Address(QueueNames.Publication));
        await endpoint.Send(new PublishConversation(id));
        await Broker.WaitDrainedAsync(fixture.Environment, QueueNames.Publication, TimeSpan.FromSeconds(20));
        // And the scheduled one, past its hold, finds nothing either.
        Assert.Equal(0, await fixture.ScalarAsync("select count(*) from scheduler.scheduled_messages where token_id = $1", id));

        Assert.Equal(0, await fixture.PublishedCountAsync(id));
        Assert.Null(await fixture.Catalog.FeedEntryAsync(id));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Catalog.GetAsync($"/v1/records/{id}")).StatusCode);
    }

    [Fact]
    public async Task Holds_scheduled_together_keep_one_row_per_conversation_the_last_time_wins_and_a_due_row_is_sent()
    {
        var retention = fixture.Stack[Service.Retention];
        var scheduling = retention.GetRequiredService<PublicationScheduling>();
        var bus = retention.GetRequiredService<IBus>();
        var (a, b, soon) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var far = DateTimeOffset.UtcNow.AddDays(1);
        await scheduling.ScheduleAsync(bus, [new Hold(a, far, null, null), new Hold(b, far, null, null), new Hold(a, far.AddHours(1), null, null)], CancellationToken.None);

        Assert.Equal(2, await fixture.ScalarAsync("select count(*) from scheduler.scheduled_messages where token_id = any($1)", new[] { a, b }));
        Assert.Equal(1, await fixture.ScalarAsync(
            "select count(*) from scheduler.scheduled_messages where token_id = $1 and due_at = $2 and (body::jsonb)->'message'->>'conversationId' = $3", a, far.AddHours(1), a.ToString()));
        Assert.Equal(2, await fixture.ScalarAsync(
            "select count(*) from scheduler.scheduled_messages where token_id = any($1) and message_types = 'urn:message:ShareLM.Messages:PublishConversation'", new[] { a, b }));

        // A row written here is one the dispatcher can send: due in a moment, it is sent (and deleted) without a fault.
        await scheduling.ScheduleAsync(bus, [new Hold(soon, DateTimeOffset.UtcNow.AddSeconds(1), null, null)], CancellationToken.None);
        await Eventually.True(async () => await fixture.ScalarAsync("select count(*) from scheduler.scheduled_messages where token_id = $1", soon) == 0,
            TimeSpan.FromSeconds(20), "the due row to be sent");
        await Broker.WaitDrainedAsync(fixture.Environment, QueueNames.Publication, TimeSpan.FromSeconds(20));
        Assert.Equal(0, await Broker.MessageCountAsync(fixture.Environment, QueueNames.Publication + "_error"));

        await scheduling.CancelAsync(a, CancellationToken.None);
        await scheduling.CancelAsync(b, CancellationToken.None);
        Assert.Equal(0, await fixture.ScalarAsync("select count(*) from scheduler.scheduled_messages where token_id = any($1)", new[] { a, b }));
    }

    [Fact]
    public async Task Only_a_schedule_due_before_the_dispatchers_next_look_notifies_them()
    {
        var retention = fixture.Stack[Service.Retention];
        var scheduling = retention.GetRequiredService<PublicationScheduling>();
        var bus = retention.GetRequiredService<IBus>();
        await using var listener = new NpgsqlConnection(fixture.Environment.PostgresConnectionString);
        await listener.OpenAsync();
        var payloads = new List<string>();
        listener.Notification += (_, e) => payloads.Add(e.Payload);
        await using (var listen = new NpgsqlCommand($"listen {ScheduleStore.Channel}", listener)) await listen.ExecuteNonQueryAsync();

        var (tomorrow, soon) = (Guid.NewGuid(), Guid.NewGuid());
        await scheduling.ScheduleAsync(bus, [new Hold(tomorrow, DateTimeOffset.UtcNow.AddDays(1), null, null)], CancellationToken.None);
        var soonDue = DateTimeOffset.UtcNow.AddMilliseconds(500);
        await scheduling.ScheduleAsync(bus, [new Hold(soon, soonDue, null, null)], CancellationToken.None);

        // Notifications arrive in commit order: the first one to arrive being the second schedule's shows that the
        // first schedule sent none.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (payloads.Count == 0) await listener.WaitAsync(timeout.Token);
        Assert.Equal(soonDue.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), payloads[0]);
        await scheduling.CancelAsync(tomorrow, CancellationToken.None);
    }

    [Fact]
    public async Task A_revision_restarts_the_hold()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var first = await fixture.Ingest.CaptureAsync(contributor, Clients.Conversation("revised-in-hold", ("user", "first version of the question")));
        var id = Lifecycle.IdOf(first);
        fixture.IngestClock.Advance(TimeSpan.FromSeconds(1.5)); // so that the restarted hold ends measurably later
        var second = await fixture.Ingest.CaptureAsync(contributor, Clients.Conversation("revised-in-hold",
            ("user", "first version of the question"), ("assistant", "an answer"), ("user", "a follow-up")));
        var secondHoldEnds = DateTimeOffset.Parse((string)second["publishAt"]!);
        Assert.True(secondHoldEnds > DateTimeOffset.Parse((string)first["publishAt"]!).AddSeconds(1));

        var entry = await Eventually.Get(() => fixture.Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "publication of the revision");
        Assert.True(DateTimeOffset.UtcNow >= secondHoldEnds, "published before the restarted hold ended");
        Assert.Equal(3, entry.Record!["conversation"]!.AsArray().Count);
        Assert.Equal(1, await fixture.PublishedCountAsync(id));
    }

    [Fact]
    public async Task A_change_after_publication_is_held_again_and_then_replaces_the_public_record()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = Lifecycle.IdOf(await fixture.Ingest.CaptureAsync(contributor, Clients.Conversation("republished", ("user", "version one of this question"))));
        var v1 = await Eventually.Get(() => fixture.Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "first publication");
        var accepted = await fixture.Ingest.CaptureAsync(contributor, Clients.Conversation("republished", ("user", "version one of this question"), ("assistant", "and its answer")));
        Assert.Equal("held", (string)accepted["status"]!);
        // Meanwhile the public record is still the first revision.
        Assert.Single((await fixture.Catalog.FeedEntryAsync(id))!.Record!["conversation"]!.AsArray());
        var v2 = await Eventually.Get(async () => await fixture.Catalog.FeedEntryAsync(id) is { } e && e.Cursor > v1.Cursor ? e : null,
            TimeSpan.FromSeconds(20), "second publication");
        Assert.Equal(2, v2.Record!["conversation"]!.AsArray().Count);
        Assert.Equal(2, await fixture.PublishedCountAsync(id));
        Assert.Single(await fixture.Catalog.WholeFeedAsync(), e => e.ConversationId == id);
    }
}
