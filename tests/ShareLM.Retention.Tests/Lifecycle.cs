using System.Text.Json.Nodes;

namespace ShareLM.Retention.Tests;

static class Lifecycle
{
    public static Guid IdOf(JsonObject accepted) => Guid.Parse((string)accepted["id"]!);

    public static async Task<long> PublishedCountAsync(this StackFixture fixture, Guid id) =>
        await fixture.ScalarAsync("select count(*) from sharelm.mt_events where stream_id = $1 and type = 'conversation_published'", id);

    public static Task WaitForEventAsync(this StackFixture fixture, Guid id, string type, TimeSpan timeout) =>
        Eventually.True(async () => await fixture.ScalarAsync("select count(*) from sharelm.mt_events where stream_id = $1 and type = $2", id, type) > 0,
            timeout, $"{type} on {id}");
}
