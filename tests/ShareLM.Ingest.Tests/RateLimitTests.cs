using System.Net;
using System.Net.Http.Json;

namespace ShareLM.Ingest.Tests;

public sealed class RateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    [Fact]
    public async Task Past_each_limit_the_answer_is_429_with_retry_after()
    {
        var ingest = fixture.Ingest;
        var contributor = await ingest.RegisterAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            statuses.Add((await ingest.SendAsync(contributor, HttpMethod.Get, "/v1/conversations")).StatusCode);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        var limited = await ingest.SendAsync(contributor, HttpMethod.Get, "/v1/conversations");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter is not null);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);

        // Registration: three per address per minute (one used above).
        var registrations = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            registrations.Add((await ingest.PostAsJsonAsync("/v1/contributors", new { termsVersion = "t", ageConfirmed = true })).StatusCode);
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], registrations);

        var before = await fixture.EventCountAsync();
        var legacy = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            legacy.Add((await ingest.PostAsJsonAsync("/api/endpoint", new { conversation_id = $"c{i}", user_msgs = new[] { "hi" }, bot_msgs = new[] { "yo" }, user_id = "u" })).StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], legacy);
        Assert.Equal(before + 2, await fixture.EventCountAsync());
    }
}
