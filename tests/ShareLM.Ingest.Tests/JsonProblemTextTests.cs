using System.Text.Json;
using ShareLM.Ingest.Capture;
using ShareLM.Ingest.Http;
using ShareLM.Ingest.Legacy;

namespace ShareLM.Ingest.Tests;

/// <summary>A refused body is described by its JSON field names and value kinds, never by our .NET types.</summary>
public sealed class JsonProblemTextTests
{
    static string Describe<T>(string body, JsonSerializerOptions options)
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<T>(body, options));
        var text = JsonProblemText.Describe(e, typeof(T), options);
        Assert.DoesNotContain("ShareLM", text);
        Assert.DoesNotContain("System.", text);
        Assert.DoesNotContain(".NET", text);
        return text;
    }

    public static TheoryData<string, string> CaptureBodies() => new()
    {
        { """{"conversationId":"a","extra":1}""", "'extra' is not a field of this body." },
        { """{"conversationId":"a","messages":[{"role":"user","content":"hi","name":"x"}]}""", "'name' is not a field of this body." },
        { """{"conversationId":"a","conversationId":"b"}""", "'conversationId' appears more than once." },
        { """{"conversationId":1}""", "'$.conversationId' must be a string." },
        { """{"conversationId":"a","messages":"hello"}""", "'$.messages' must be an array." },
        { """{"conversationId":"a","messages":["hello"]}""", "'$.messages[0]' must be an object." },
        { """{"conversationId":"a","messages":[{"role":"user","content":42}]}""", "'$.messages[0].content' must be a string." },
        { """{"conversationId":"a","messages":[{"role":"assistant","content":"x","rating":"good"}]}""", "'$.messages[0].rating' must be a whole number or null." },
        { """{"conversationId":"a","messages":[{"role":"assistant","content":"x","rating":0.5}]}""", "'$.messages[0].rating' must be a whole number or null." },
        { """{"conversationId":"a","capturedAt":"yesterday"}""", "'$.capturedAt' must be an ISO 8601 date-time string or null." },
        { "[1,2,3]", "The body must be a JSON object." },
        { "\"text\"", "The body must be a JSON object." },
        { "{", "The body is not valid JSON (line 1, byte 2): Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed." },
        { """{"a" 1}""", "The body is not valid JSON (line 1, byte 6): '1' is invalid after a property name. Expected a ':'." },
    };

    [Theory]
    [MemberData(nameof(CaptureBodies))]
    public void Capture_bodies_are_described_in_the_APIs_terms(string body, string expected) =>
        Assert.Equal(expected, Describe<CaptureRequest>(body, StrictJson.Api));

    // Only free-form values can nest: our bodies' own fields fail on their type first.
    sealed record FreeForm(JsonElement Value);

    [Fact]
    public void Too_deep_a_body_says_how_deep_it_may_be() =>
        Assert.Equal("The body nests deeper than 16 levels.",
            Describe<FreeForm>("{\"value\":" + new string('[', 40) + new string(']', 40) + "}", StrictJson.Api));

    [Theory]
    [InlineData("""{"user_msgs":"hi"}""", "'$.user_msgs' must be an array.")]
    [InlineData("""{"conversation_metadata":{"message_ratings":["x"]}}""", "'$.conversation_metadata.message_ratings[0]' must be a whole number or null.")]
    [InlineData("""{"conversation_metadata":{"rate":true}}""", "'$.conversation_metadata.rate' must be a string.")]
    [InlineData("""{"userMsgs":[]}""", "'userMsgs' is not a field of this body.")]
    public void Legacy_bodies_use_their_snake_case_names(string body, string expected) =>
        Assert.Equal(expected, Describe<LegacyUpload>(body, StrictJson.Legacy));
}
