using ShareLM.Ingest.Capture;

namespace ShareLM.Ingest.Tests;

public sealed class ModelAttributionTests
{
    [Theory]
    [InlineData("https://huggingface.co/chat/models/meta-llama/Llama-3.1-70B-Instruct", "meta-llama/Llama-3.1-70B-Instruct")]
    [InlineData("https://huggingface.co/chat/conversation/66a1b2c3", "huggingface-chat")]
    [InlineData("https://huggingface.co/spaces/openai/whisper", "hf-space:openai/whisper")]
    [InlineData("https://shachardon-demo.hf.space/?__theme=light", "hf-space:shachardon-demo")]
    [InlineData("https://chatgpt.com/c/6700-abcd", "chatgpt")]
    [InlineData("https://chat.openai.com/", "chatgpt")]
    [InlineData("https://claude.ai/chat/1234", "claude")]
    [InlineData("https://gemini.google.com/app/abc", "gemini")]
    [InlineData("https://chat.mistral.ai/chat/xyz", "mistral-le-chat")]
    [InlineData("https://poe.com/Claude-3-Opus", "poe:Claude-3-Opus")]
    [InlineData("https://poe.com/chat/2abc", "poe")]
    [InlineData("https://www.perplexity.ai/search/what-is", "perplexity")]
    [InlineData("https://grok.com/chat/1", "grok")]
    [InlineData("https://x.com/i/grok?conversation=1", "grok")]
    [InlineData("https://coral.cohere.com/", "cohere")]
    [InlineData("https://chat.deepseek.com/a/chat/s/1", "deepseek")]
    [InlineData("https://lmarena.ai/", "lmsys-arena")]
    public void Derives_the_model_from_the_page_url(string url, string model)
    {
        Assert.Equal(model, ModelAttribution.Attribute(null, url));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("https://example.com/chat")]
    [InlineData("ftp://chatgpt.com/")]
    [InlineData("https://notchatgpt.com.evil.example/")]
    public void Falls_back_to_unknown(string? url)
    {
        Assert.Equal(ModelAttribution.Unknown, ModelAttribution.Attribute(null, url));
    }

    [Fact]
    public void An_explicit_model_wins_over_the_url()
    {
        Assert.Equal("gpt-4o", ModelAttribution.Attribute(" gpt-4o ", "https://claude.ai/chat/1"));
    }
}
