using System.Collections.Concurrent;
using System.Net;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShareLM.Events;
using ShareLM.Messages;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Retention.Tests;

/// <summary>
/// The public bus API (docs/bus-api.md): a mirror that binds a queue of its own to the announcements hears of
/// every publication and every take-down, with the revision and whether it had been public.
/// </summary>
public sealed class MirrorAnnouncementTests(LongHoldFixture fixture) : IClassFixture<LongHoldFixture>
{
    public sealed class Mirror : IConsumer<ConversationMadePublic>, IConsumer<ConversationTakenDown>
    {
        public static readonly ConcurrentDictionary<Guid, ConversationMadePublic> Published = new();
        public static readonly ConcurrentDictionary<Guid, ConversationTakenDown> TakenDown = new();

        public Task Consume(ConsumeContext<ConversationMadePublic> context)
        {
            Published[context.Message.ConversationId] = context.Message;
            return Task.CompletedTask;
        }

        public Task Consume(ConsumeContext<ConversationTakenDown> context)
        {
            TakenDown[context.Message.ConversationId] = context.Message;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_mirror_hears_of_a_publication_and_of_the_take_down_that_follows()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        foreach (var (key, value) in fixture.Stack.Settings) builder.Configuration[key] = value;
        builder.Configuration["Messaging:Watchdog:HardExitAfter"] = "00:00:00"; // never end the test runner
        builder.AddShareLMBus(x => x.AddConsumer<Mirror>().Endpoint(e => e.Name = "test-mirror"));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
            var contributor = await fixture.Ingest.RegisterAsync();
            var id = Lifecycle.IdOf(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("mirrored")));
            // Publish now once the hold is scheduled: a hold scheduled after the request would find it already over
            // and publish it as ended (the reason this test checks).
            await Eventually.True(async () => await fixture.ScalarAsync("select count(*) from scheduler.scheduled_messages where token_id = $1", id) == 1,
                TimeSpan.FromSeconds(20), "the hold to be scheduled");
            Assert.Equal(HttpStatusCode.Accepted, (await fixture.Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{id}/publish")).StatusCode);

            var published = await Eventually.Get(() => Task.FromResult(Mirror.Published.GetValueOrDefault(id)), TimeSpan.FromSeconds(30), "the publication's announcement");
            Assert.Equal((1, Vocabulary.PublishedOnRequest), (published.Revision, published.Reason));
            Assert.Equal(await fixture.ScalarAsync("select seq_id from sharelm.mt_events where stream_id = $1 and type = 'conversation_published'", id),
                published.EventSequence);
            Assert.False(Mirror.TakenDown.ContainsKey(id));

            Assert.Equal(HttpStatusCode.Accepted, (await fixture.Ingest.SendAsync(contributor, HttpMethod.Delete, $"/v1/conversations/{id}")).StatusCode);
            var takenDown = await Eventually.Get(() => Task.FromResult(Mirror.TakenDown.GetValueOrDefault(id)), TimeSpan.FromSeconds(30), "the take-down's announcement");
            Assert.True(takenDown.WasPublic);
            Assert.Equal(await fixture.ScalarAsync("select seq_id from sharelm.mt_events where stream_id = $1 and type = 'conversation_deleted'", id),
                takenDown.EventSequence);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
