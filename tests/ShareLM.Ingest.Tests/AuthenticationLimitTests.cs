using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Ingest.Tests;

/// <summary>
/// The authenticated API's limits count the contributor, not the bearer string: a new token is the same bucket.
/// Tokens that match no one count against their address, which past its budget is refused before any lookup.
/// </summary>
public sealed class AuthenticationLimitTests(AuthenticationLimitFixture fixture) : IClassFixture<AuthenticationLimitFixture>
{
    [Fact]
    public async Task Limits_count_the_contributor_across_token_rotation_and_failed_tokens_by_address()
    {
        var ingest = fixture.Ingest;
        var contributor = await ingest.RegisterAsync();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await ingest.SendAsync(contributor, HttpMethod.Get, "/v1/conversations")).StatusCode);
        var rotated = await ingest.SendAsync(contributor, HttpMethod.Post, "/v1/me/token"); // the fourth request
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var renewed = contributor with { Token = (string)(await rotated.Content.ReadFromJsonAsync<JsonObject>())!["token"]! };
        Assert.Equal(HttpStatusCode.OK, (await ingest.SendAsync(renewed, HttpMethod.Get, "/v1/conversations")).StatusCode); // the fifth
        var limited = await ingest.SendAsync(renewed, HttpMethod.Get, "/v1/conversations");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);

        // Made-up tokens: each is one lookup and a 401, until the address has used its three.
        var other = await ingest.RegisterAsync();
        async Task<HttpStatusCode> Guess(string token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/conversations");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return (await ingest.SendAsync(request)).StatusCode;
        }
        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) guesses.Add(await Guess($"slm_{Guid.NewGuid():N}{Guid.NewGuid():N}"));
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], guesses);
        // A token of the wrong shape is refused without a lookup, and does not count.
        Assert.Equal(HttpStatusCode.Unauthorized, await Guess("not-a-token"));
        // From that address no token is looked up for the rest of the minute, a valid one included.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ingest.SendAsync(other, HttpMethod.Get, "/v1/conversations")).StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Addresses_are_counted_ipv4_as_they_are_and_ipv6_by_their_64(string address, string key)
    {
        Assert.Equal(key, ClientAddress.Key(IPAddress.Parse(address)));
    }
}
