using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace ShareLM.Ingest.Tests;

/// <summary>
/// Every class of bad input gets a problem response naming what was wrong, and writes nothing: the event
/// store holds exactly as many events afterwards as before.
/// </summary>
public sealed class BadInputTests(LimitedIngestFixture fixture) : IClassFixture<LimitedIngestFixture>
{
    HttpClient Ingest => fixture.Ingest;

    async Task<HttpResponseMessage> PostRaw(Contributor contributor, string path, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", contributor.Token);
        return await Ingest.SendAsync(request);
    }

    static async Task<JsonObject> Problem(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public static TheoryData<string, string> InvalidBodies() => new()
    {
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}", "$" },
        { "not json at all", "$" },
        { "{\"conversationId\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "$.conversationId" },
        { "{\"conversationId\":\"a\",\"messages\":\"hello\"}", "$.messages" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":42}]}", "$.messages[0].content" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"rating\":\"good\"}]}", "$.messages[0].rating" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages[0].role" },
        { "{\"conversationId\":\"a\",\"messages\":[]}", "messages" },
        { "{\"conversationId\":\"a\"}", "messages" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"\"}]}", "messages[0].content" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"extra\":true}", "$" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"x\"}]}", "$.messages[0]" },
        { "{\"conversationId\":\"a\\u0000b\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "conversationId" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"esc \\u001b[31m\"}]}", "messages[0].content" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"rating\":\"meh\"}", "rating" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"capturedAt\":\"yesterday\"}", "$.capturedAt" },
        { "[1,2,3]", "$" },
        { "null", "$" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"pageUrl\":\"javascript alert\"}", "pageUrl" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"pageUrl\":\"javascript:alert(1)\"}", "pageUrl" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"pageUrl\":\"file:///etc/passwd\"}", "pageUrl" },
        { "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"pageUrl\":\"ftp://chatgpt.com/c/1\"}", "pageUrl" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_bodies_are_400_naming_the_field_and_write_nothing(string body, string field)
    {
        var contributor = await Ingest.RegisterAsync();
        var before = await fixture.EventCountAsync();
        var response = await PostRaw(contributor, "/v1/conversations", Clients.RawJson(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem(response);
        Assert.StartsWith(field, (string)problem["field"]!);
        // Said in the API's terms: no .NET type of ours in the explanation.
        Assert.DoesNotContain("ShareLM.", (string)problem["detail"]!);
        Assert.DoesNotContain("System.", (string)problem["detail"]!);
        Assert.Equal(before, await fixture.EventCountAsync());
    }

    [Fact]
    public async Task Over_long_fields_and_too_many_messages_are_400()
    {
        var contributor = await Ingest.RegisterAsync();
        var before = await fixture.EventCountAsync();
        var tooLongId = await Ingest.SendAsync(contributor, HttpMethod.Post, "/v1/conversations",
            new { conversationId = new string('x', 129), messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal("conversationId", (string)(await Problem(tooLongId))["field"]!);
        var tooMany = await Ingest.SendAsync(contributor, HttpMethod.Post, "/v1/conversations",
            new { conversationId = "many", messages = Enumerable.Repeat(new { role = "user", content = "x" }, 1001).ToArray() });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal("messages", (string)(await Problem(tooMany))["field"]!);
        Assert.Equal(before, await fixture.EventCountAsync());
    }

    [Fact]
    public async Task Invalid_utf8_and_deep_nesting_are_400()
    {
        var contributor = await Ingest.RegisterAsync();
        var before = await fixture.EventCountAsync();
        var bytes = Encoding.UTF8.GetBytes("{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"X\"}]}");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xC3; // a lead byte with no continuation
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await PostRaw(contributor, "/v1/conversations", content)).StatusCode);

        var deep = new string('[', 5000) + new string(']', 5000);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostRaw(contributor, "/v1/conversations", Clients.RawJson(deep))).StatusCode);
        Assert.Equal(before, await fixture.EventCountAsync());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var contributor = await Ingest.RegisterAsync();
        var before = await fixture.EventCountAsync();
        var huge = new { conversationId = "huge", messages = new[] { new { role = "user", content = new string('a', 1_100_000) } } };
        var response = await Ingest.SendAsync(contributor, HttpMethod.Post, "/v1/conversations", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await Problem(response);
        Assert.Equal(before, await fixture.EventCountAsync());
    }

    [Fact]
    public async Task A_wrong_content_type_is_415()
    {
        var contributor = await Ingest.RegisterAsync();
        var response = await PostRaw(contributor, "/v1/conversations",
            new StringContent("{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await Problem(response);
        var legacy = await Ingest.PostAsync("/api/endpoint", new FormUrlEncodedContent([new("user_id", "x")]));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, legacy.StatusCode);
    }

    [Fact]
    public async Task Invalid_legacy_bodies_are_400_with_their_own_field_names()
    {
        var before = await fixture.EventCountAsync();
        var missingUser = await Ingest.PostAsJsonAsync("/api/endpoint", new { conversation_id = "c", user_msgs = new[] { "hi" }, bot_msgs = new[] { "yo" } });
        Assert.Equal("user_id", (string)(await Problem(missingUser))["field"]!);
        var badRate = await Ingest.PostAsJsonAsync("/api/endpoint", new
        {
            conversation_id = "c", user_msgs = new[] { "hi" }, bot_msgs = new[] { "yo" }, user_id = "u",
            conversation_metadata = new { rate = "meh" },
        });
        Assert.Equal("conversation_metadata.rate", (string)(await Problem(badRate))["field"]!);
        var camel = await Ingest.PostAsJsonAsync("/api/endpoint", new { conversationId = "c", userId = "u" });
        Assert.Equal(HttpStatusCode.BadRequest, camel.StatusCode);
        Assert.Equal(before, await fixture.EventCountAsync());
    }

    [Fact]
    public async Task Unknown_routes_and_bad_ids_are_problem_404s()
    {
        var contributor = await Ingest.RegisterAsync();
        foreach (var path in new[] { "/v1/conversations/not-a-guid", "/v1/nothing-here", "/v1/conversations/00000000-0000-0000-0000-000000000000" })
        {
            var response = await Ingest.SendAsync(contributor, HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await Problem(response);
        }
    }
}
