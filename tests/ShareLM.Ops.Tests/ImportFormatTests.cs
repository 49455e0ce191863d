using System.Text.Json;
using ShareLM.Ops.Import;

namespace ShareLM.Ops.Tests;

public sealed class ImportFormatTests
{
    static UpstreamConversation Map(string format, string json) => ImportFormats.All[format].Map(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Each_format_maps_roles_model_and_identity()
    {
        var sharegpt = Map("sharegpt", """{"id":"sg1","model":"gpt-4","conversations":[{"from":"system","value":"sys"},{"from":"human","value":"hi"},{"from":"gpt","value":"hello"}]}""");
        Assert.Equal(["system", "user", "assistant"], sharegpt.Turns.Select(t => t.Role));
        Assert.Equal(("sg1", "gpt-4"), (sharegpt.Identity, sharegpt.Model));

        var openai = Map("openai", """{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}""");
        Assert.StartsWith("sha256:", openai.Identity);
        Assert.Equal("unknown", openai.Model);

        var lmsys = Map("lmsys", """{"conversation_id":"l1","model":"vicuna-13b","conversation":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}],"language":"English","redacted":true,"openai_moderation":[{"flagged":false},{"flagged":true}]}""");
        Assert.Equal(("en", "true", true), (lmsys.Language, lmsys.Toxic, lmsys.Redacted));

        var wildchat = Map("wildchat", """{"conversation_hash":"w1","model":"gpt-3.5-turbo","conversation":[{"role":"user","content":"q","toxic":false},{"role":"assistant","content":"a"}],"toxic":false,"redacted":false,"language":"Chinese","country":"Taiwan"}""");
        Assert.Equal(("w1", "zh", "false", "Taiwan"), (wildchat.Identity, wildchat.Language, wildchat.Toxic, wildchat.Demographics.Location));

        var hh = Map("hh-rlhf", """{"chosen":"\n\nHuman: What is 2+2?\n\nAssistant: 4.\n\nHuman: And 3+3?\n\nAssistant: 6.","rejected":"\n\nHuman: What is 2+2?\n\nAssistant: 5."}""");
        Assert.Equal(["user", "assistant", "user", "assistant"], hh.Turns.Select(t => t.Role));
        Assert.Equal("And 3+3?", hh.Turns[2].Content);

        var sharelm = Map("sharelm", """{"conversation_id":"s1","conversation":[{"content":"hey mail x@y.com","role":"user"},{"content":"ok","role":"assistant"}],"model_name":"claude","user_id":"u1","timestamp":"2024-05-03","user_metadata":{"location":"IL","age":"","gender":""},"conversation_metadata":{"rate":"thumbup","language":"en","redacted":"False","toxic":"","title":"","custom_instruction":"","status":""}}""");
        Assert.Equal(("claude", "up", "IL"), (sharelm.Model, sharelm.Rating, sharelm.Demographics.Location));
        Assert.Equal("hey mail [EMAIL]", sharelm.Turns[0].Content);
        Assert.True(sharelm.Redacted);
    }

    [Theory]
    [InlineData("sharegpt", """{"id":"x","conversations":[]}""")]
    [InlineData("sharegpt", """{"id":"x","conversations":[{"from":"alien","value":"hi"}]}""")]
    [InlineData("openai", """{"messages":"nope"}""")]
    [InlineData("openai", """{"messages":[{"role":"user","content":42}]}""")]
    [InlineData("hh-rlhf", """{"rejected":"x"}""")]
    [InlineData("lmsys", """{"conversation_id":"l","conversation":[{"role":"user","content":"   "}]}""")]
    public void Bad_rows_are_rejected_with_a_reason(string format, string json)
    {
        var e = Assert.Throws<RowRejected>(() => Map(format, json));
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }

    [Fact]
    public void Control_characters_are_cleaned_not_stored()
    {
        var row = Map("openai", """{"messages":[{"role":"user","content":"a\u0000b\u0007c\te"}]}""");
        Assert.Equal("abc\te", row.Turns[0].Content);
    }

    [Fact]
    public void Text_that_is_not_valid_unicode_cannot_be_read()
    {
        Assert.ThrowsAny<InvalidOperationException>(() => Map("openai", """{"messages":[{"role":"user","content":"a\ud800b"}]}"""));
    }

    [Fact]
    public void A_field_given_twice_takes_its_last_value()
    {
        var row = Map("sharegpt", """{"id":"first","id":"second","conversations":[{"from":"human","value":"hi"}]}""");
        Assert.Equal("second", row.Identity);
    }

    [Theory]
    [InlineData("""{"id":"x","conversations":[{"from":"human","value":"hi"}]""", "invalid JSON")]
    [InlineData("""["not","an","object"]""", "not a JSON object")]
    [InlineData("""{"id":"x","conversations":[{"from":"human","value":"a\ud800b"}]}""", "unreadable row")]
    [InlineData("""{"id":"x","conversations":[]}""", "no turns")]
    public void A_line_that_cannot_be_imported_says_why(string line, string reason)
    {
        var (conversation, why) = new UpstreamRow(1, null, null, line).Map(ImportFormats.All["sharegpt"]);
        Assert.Null(conversation);
        Assert.Contains(reason, why);
    }
}
