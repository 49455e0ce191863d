using System.Net;
using System.Net.Http.Json;
using ShareLM.Conversations;

namespace ShareLM.Ingest.Tests;

/// <summary>What the gateway does when PostgreSQL or RabbitMQ is away.</summary>
public sealed class DependencyOutageTests : IAsyncLifetime
{
    IsolatedEnvironment _environment = null!;

    public async Task InitializeAsync() => _environment = await IsolatedEnvironment.CreateAsync("outage");

    public async Task DisposeAsync() => await _environment.DisposeAsync();

    [Fact]
    public async Task With_postgres_unreachable_the_gateway_answers_503_with_retry_after()
    {
        await using var stack = await ServiceStack.StartAsync(_environment, new StackOptions
        {
            Services = [Service.Ingest],
            Settings = new() { ["ConnectionStrings:Postgres"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Database=nowhere;Timeout=2" },
        });
        var client = stack.Ingest;
        var registration = await client.PostAsJsonAsync("/v1/contributors", new { termsVersion = "2024-07", ageConfirmed = true });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, registration.StatusCode);
        Assert.NotNull(registration.Headers.RetryAfter);
        Assert.Equal("application/problem+json", registration.Content.Headers.ContentType?.MediaType);
        var legacy = await client.PostAsJsonAsync("/api/endpoint", new { conversation_id = "c", user_msgs = new[] { "hi" }, bot_msgs = new[] { "yo" }, user_id = "u" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, legacy.StatusCode);
        Assert.NotNull(legacy.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task A_conversation_accepted_while_the_broker_is_down_reaches_the_bus_and_is_published_when_it_returns()
    {
        await using var broker = new PrivateRabbitMq();
        await broker.StartAsync();
        await using var stack = await ServiceStack.StartAsync(_environment, new StackOptions
        {
            HoldWindow = TimeSpan.FromSeconds(1),
            Settings = new() { ["ConnectionStrings:RabbitMq"] = broker.Uri },
        });
        var (ingestClient, catalogClient) = (stack.Ingest, stack.Catalog);
        var contributor = await ingestClient.RegisterAsync();

        await broker.StopAsync();
        var accepted = await ingestClient.CaptureAsync(contributor, Clients.SimpleConversation("while-broker-down"));
        var id = Guid.Parse((string)accepted["id"]!);
        await Task.Delay(TimeSpan.FromSeconds(2)); // past its hold, with nobody to tell
        Assert.Null(await catalogClient.FeedEntryAsync(id));

        await broker.StartAsync();
        var entry = await Eventually.Get(() => catalogClient.FeedEntryAsync(id), TimeSpan.FromSeconds(60), "publication after the broker returned");
        Assert.Equal("upsert", entry.Op);
        Assert.Equal(ConversationIds.ForContribution(contributor.Id, "while-broker-down"), id);
    }
}
