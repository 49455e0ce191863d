using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Retention.Tests;

/// <summary>Retries: transient failures are redelivered later through our scheduler; poison messages go to _error and block nothing.</summary>
public sealed class ConsumerRetryTests(FullStackFixture fixture) : IClassFixture<FullStackFixture>
{
    public sealed record Flaky(Guid Id);

    public sealed class FlakyConsumer : IConsumer<Flaky>
    {
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, int> Attempts = new();
        public static readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> Succeeded = new();

        public Task Consume(ConsumeContext<Flaky> context)
        {
            var attempt = Attempts.AddOrUpdate(context.Message.Id, 1, (_, n) => n + 1);
            // Fails through the immediate retries (4 attempts), then succeeds on the first scheduled redelivery.
            if (attempt <= 4) throw new TimeoutException("transient");
            Succeeded[context.Message.Id] = DateTimeOffset.UtcNow;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_transient_failure_is_redelivered_later_through_the_postgres_scheduler()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        foreach (var (key, value) in fixture.Stack.Settings) builder.Configuration[key] = value;
        builder.AddShareLMBus(x => x.AddConsumer<FlakyConsumer>().Endpoint(e => e.Name = "test-flaky"));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBusControl>();
            await bus.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
            var id = Guid.NewGuid();
            var sentAt = DateTimeOffset.UtcNow;
            await (await bus.GetSendEndpoint(new Uri("exchange:test-flaky"))).Send(new Flaky(id));
            await Eventually.True(() => Task.FromResult(FlakyConsumer.Succeeded.ContainsKey(id)), TimeSpan.FromSeconds(30), "the redelivered message");
            Assert.Equal(5, FlakyConsumer.Attempts[id]);
            Assert.True(FlakyConsumer.Succeeded[id] - sentAt >= BusSetup.RedeliveryIntervals[0] - TimeSpan.FromMilliseconds(200),
                "the fifth attempt came only after the scheduled redelivery interval");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_poison_message_ends_in_the_error_queue_and_blocks_nothing()
    {
        var errorQueue = QueueNames.Publication + "_error";
        var before = await Broker.MessageCountAsync(fixture.Environment, errorQueue);
        await Broker.PublishRawAsync(fixture.Environment, QueueNames.Publication, "{ this is not an envelope", "application/vnd.masstransit+json");

        var contributor = await fixture.Ingest.RegisterAsync();
        var id = Lifecycle.IdOf(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("after-poison")));
        await Eventually.Get(() => fixture.Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "a later conversation's publication");

        await Eventually.True(async () => await Broker.MessageCountAsync(fixture.Environment, errorQueue) > before, TimeSpan.FromSeconds(20), "the poison message in _error");
        var dead = await Broker.PeekAsync(fixture.Environment, errorQueue, 10);
        Assert.Contains(dead, m => m!["properties"]!["headers"]!.AsObject().Any(h => h.Key.StartsWith("MT-Fault", StringComparison.Ordinal) || h.Key.StartsWith("MT-Reason", StringComparison.Ordinal)));
    }
}
