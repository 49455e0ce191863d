using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ShareLM.Testing;

public sealed record Contributor(Guid Id, string Token);

public sealed record FeedEntry(long Cursor, string Op, Guid ConversationId, JsonObject? Record);

public sealed record FeedPage(IReadOnlyList<FeedEntry> Entries, long NextCursor, long Head);

/// <summary>Thin helpers over the public HTTP APIs, so tests read as what a client does.</summary>
public static class Clients
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<Contributor> RegisterAsync(this HttpClient ingest, object? body = null)
    {
        var response = await ingest.PostAsJsonAsync("/v1/contributors", body ?? new { termsVersion = "2024-07", ageConfirmed = true, age = "30", gender = "f", location = "IL" });
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonObject>();
        return new Contributor(Guid.Parse((string)json!["contributorId"]!), (string)json["token"]!);
    }

    public static HttpRequestMessage Authorized(this Contributor contributor, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", contributor.Token);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        return request;
    }

    public static async Task<HttpResponseMessage> SendAsync(this HttpClient client, Contributor contributor, HttpMethod method, string path, object? body = null)
    {
        using var request = contributor.Authorized(method, path, body);
        return await client.SendAsync(request);
    }

    /// <summary>Captures a conversation; returns the gateway's answer (id, status, publishAt).</summary>
    public static async Task<JsonObject> CaptureAsync(this HttpClient ingest, Contributor contributor, object conversation)
    {
        var response = await ingest.SendAsync(contributor, HttpMethod.Post, "/v1/conversations", conversation);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted) throw new HttpRequestException($"capture answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static object Conversation(string clientId, params (string Role, string Content)[] turns) => new
    {
        conversationId = clientId,
        pageUrl = "https://chatgpt.com/c/" + clientId,
        messages = turns.Select(t => new { role = t.Role, content = t.Content }).ToArray(),
    };

    public static object SimpleConversation(string clientId, string marker = "") => Conversation(clientId,
        ("user", $"Could you explain how photosynthesis works in plants? {marker}".Trim()),
        ("assistant", "Plants turn light, water and carbon dioxide into sugar and oxygen."));

    public static async Task<FeedPage> FeedAsync(this HttpClient catalog, long after = 0, int limit = 1000)
    {
        var response = await catalog.GetAsync($"/v1/feed?after={after}&limit={limit}");
        response.EnsureSuccessStatusCode();
        var entries = new List<FeedEntry>();
        foreach (var line in (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var node = JsonNode.Parse(line)!.AsObject();
            var op = (string)node["op"]!;
            var record = op == "upsert" ? node["record"]!.AsObject() : null;
            var id = Guid.Parse(op == "upsert" ? (string)record!["conversation_id"]! : (string)node["conversation_id"]!);
            entries.Add(new FeedEntry((long)node["cursor"]!, op, id, record));
        }
        return new FeedPage(entries, long.Parse(response.Headers.GetValues("X-Next-Cursor").Single()),
            long.Parse(response.Headers.GetValues("X-Feed-Head").Single()));
    }

    /// <summary>The whole feed from the start: what a new mirror would apply.</summary>
    public static async Task<List<FeedEntry>> WholeFeedAsync(this HttpClient catalog)
    {
        var all = new List<FeedEntry>();
        long after = 0;
        while (true)
        {
            var page = await catalog.FeedAsync(after);
            all.AddRange(page.Entries);
            if (page.Entries.Count == 0) return all;
            after = page.NextCursor;
        }
    }

    public static async Task<FeedEntry?> FeedEntryAsync(this HttpClient catalog, Guid conversationId) =>
        (await catalog.WholeFeedAsync()).LastOrDefault(e => e.ConversationId == conversationId);

    public static StringContent RawJson(string body, string contentType = "application/json") => new(body, Encoding.UTF8, contentType);
}
