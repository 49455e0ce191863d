using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace ShareLM.Testing;

/// <summary>The test broker's management API, scoped to one environment's virtual host.</summary>
public static class Broker
{
    public static async Task<JsonObject?> QueueAsync(IsolatedEnvironment environment, string queue)
    {
        using var management = TestInfrastructure.Management(environment.Infrastructure);
        var response = await management.GetAsync($"/api/queues/{environment.Name}/{queue}");
        if (!response.IsSuccessStatusCode) return null;
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>Waits until a queue holds no ready or unacknowledged message: everything sent to it has been consumed.</summary>
    public static Task WaitDrainedAsync(IsolatedEnvironment environment, string queue, TimeSpan timeout) =>
        Eventually.True(async () => await QueueAsync(environment, queue) is { } q && (long?)q["messages"] == 0 && (long?)q["messages_unacknowledged"] == 0,
            timeout, $"queue {queue} to drain");

    public static async Task<long> MessageCountAsync(IsolatedEnvironment environment, string queue) =>
        await QueueAsync(environment, queue) is { } q ? (long?)q["messages"] ?? 0 : 0;

    /// <summary>Publishes raw bytes to an exchange, as a misbehaving producer would.</summary>
    public static async Task PublishRawAsync(IsolatedEnvironment environment, string exchange, string payload, string contentType)
    {
        using var management = TestInfrastructure.Management(environment.Infrastructure);
        var response = await management.PostAsJsonAsync($"/api/exchanges/{environment.Name}/{exchange}/publish", new
        {
            properties = new { content_type = contentType, delivery_mode = 2 },
            routing_key = "",
            payload,
            payload_encoding = "string",
        });
        response.EnsureSuccessStatusCode();
    }

    public static async Task<JsonArray> PeekAsync(IsolatedEnvironment environment, string queue, int count)
    {
        using var management = TestInfrastructure.Management(environment.Infrastructure);
        var response = await management.PostAsJsonAsync($"/api/queues/{environment.Name}/{queue}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto", truncate = 50_000 });
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }
}
