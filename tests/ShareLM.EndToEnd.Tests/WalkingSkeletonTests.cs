using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ShareLM.EndToEnd.Tests;

/// <summary>
/// The real path, with the services as separate processes the way up.sh runs them: a conversation posted
/// to Ingest is appended to its stream, relayed to RabbitMQ by the Marten subscription, scheduled by
/// Retention for the end of its hold, published at the due time, and projected into the Catalog.
/// </summary>
public sealed class WalkingSkeletonTests : IAsyncLifetime
{
    IsolatedEnvironment _environment = null!;
    readonly List<ServiceProcess> _processes = [];

    public async Task InitializeAsync()
    {
        _environment = await IsolatedEnvironment.CreateAsync("e2e");
    }

    public async Task DisposeAsync()
    {
        foreach (var p in _processes) await p.DisposeAsync();
        await _environment.DisposeAsync();
    }

    async Task<ServiceProcess> StartAsync(Service service, TimeSpan hold)
    {
        var settings = _environment.ServiceSettings(hold);
        var process = new ServiceProcess
        {
            Service = service,
            Port = FreePort.Next(),
            Settings = settings,
            LogFile = Path.Combine(Path.GetTempPath(), $"sharelm-e2e-{_environment.Name}-{service}.log"),
        };
        process.Start();
        _processes.Add(process);
        await process.WaitReadyAsync(TimeSpan.FromSeconds(90));
        return process;
    }

    [Fact]
    public async Task A_captured_conversation_becomes_public_after_its_hold()
    {
        var hold = TimeSpan.FromSeconds(3);
        var ingest = await StartAsync(Service.Ingest, hold);
        await StartAsync(Service.Retention, hold);
        var catalog = await StartAsync(Service.Catalog, hold);
        using var ingestClient = new HttpClient { BaseAddress = ingest.BaseAddress };
        using var catalogClient = new HttpClient { BaseAddress = catalog.BaseAddress };

        var contributor = await ingestClient.RegisterAsync();
        var accepted = await ingestClient.CaptureAsync(contributor, Clients.SimpleConversation("walking-skeleton"));
        var id = Guid.Parse((string)accepted["id"]!);
        Assert.Equal("held", (string)accepted["status"]!);
        var publishAt = DateTimeOffset.Parse((string)accepted["publishAt"]!);

        // Held: not readable in the Catalog.
        Assert.Equal(HttpStatusCode.NotFound, (await catalogClient.GetAsync($"/v1/records/{id}")).StatusCode);

        var entry = await Eventually.Get(() => catalogClient.FeedEntryAsync(id), TimeSpan.FromSeconds(30), "the conversation in the feed");
        Assert.Equal("upsert", entry.Op);
        Assert.True(DateTimeOffset.UtcNow >= publishAt, "published before its hold ended");
        var record = await catalogClient.GetFromJsonAsync<JsonObject>($"/v1/records/{id}");
        Assert.Equal(id.ToString(), (string)record!["conversation_id"]!);
        Assert.Equal("chatgpt", (string)record["model_name"]!);
        Assert.Equal(2, record["conversation"]!.AsArray().Count);
        Assert.DoesNotContain(contributor.Id.ToString(), record.ToJsonString());
        // Public time to the hour; demographics in their vocabularies (registered as age 30, gender "f", IL).
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$", (string)record["timestamp"]!);
        Assert.Equal("""{"location":"IL","age":"25-34","gender":"woman"}""", record["user_metadata"]!.ToJsonString());
    }
}
