using ShareLM.Conversations;
using ShareLM.Ingest.Redaction;

namespace ShareLM.Ingest.Capture;

/// <summary>
/// Which model a conversation was with: the client's explicit <c>model</c> when it looks like a model's name and
/// holds nothing redaction would take out; else derived from the page URL for the chat UIs the extension supports;
/// else <see cref="Unknown"/>. Table-driven: one row per platform, checked in order. A Space is named only when it
/// is a known public one (<see cref="ModelNames.PublicSpaces"/>): a Space's path names its owner.
/// </summary>
public static class ModelAttribution
{
    public const string Unknown = ModelNames.Unknown;

    sealed record Rule(Func<Uri, bool> Matches, Func<Uri, string?> Model);

    static string[] Segments(Uri uri) => uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
    static bool Host(Uri uri, params string[] hosts) => hosts.Any(h => uri.Host.Equals(h, StringComparison.OrdinalIgnoreCase)
                                                                       || uri.Host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));

    static readonly Rule[] Rules =
    [
        // Hugging Face ChatUI: /chat/models/{org}/{model} names the model; /chat/assistant/... does not.
        new(u => Host(u, "huggingface.co") && Segments(u) is ["chat", "models", _, _, ..],
            u => Segments(u) is [_, _, var org, var model, ..] ? $"{org}/{model}" : null),
        new(u => Host(u, "huggingface.co") && Segments(u) is ["chat", ..], _ => "huggingface-chat"),
        // A Gradio demo in a Space: huggingface.co/spaces/{owner}/{space} or {owner}-{space}.hf.space.
        new(u => Host(u, "huggingface.co") && Segments(u) is ["spaces", _, _, ..],
            u => Segments(u) is [_, var owner, var space, ..] ? ModelNames.ForSpace(owner, space) : null),
        new(u => u.Host.EndsWith(".hf.space", StringComparison.OrdinalIgnoreCase),
            u => ModelNames.ForSpaceHost(u.Host[..^".hf.space".Length])),
        new(u => Host(u, "chatgpt.com", "chat.openai.com"), _ => "chatgpt"),
        new(u => Host(u, "claude.ai"), _ => "claude"),
        new(u => Host(u, "gemini.google.com", "bard.google.com", "aistudio.google.com"), _ => "gemini"),
        new(u => Host(u, "chat.mistral.ai"), _ => "mistral-le-chat"),
        new(u => Host(u, "poe.com"), u => Segments(u) is [var bot] && bot is not ("chat" or "explore") ? $"poe:{bot}" : "poe"),
        new(u => Host(u, "perplexity.ai"), _ => "perplexity"),
        new(u => Host(u, "grok.com") || (Host(u, "x.com") && Segments(u) is ["i", "grok", ..]), _ => "grok"),
        new(u => Host(u, "coral.cohere.com") || (Host(u, "dashboard.cohere.com") && Segments(u) is ["playground", ..]), _ => "cohere"),
        new(u => Host(u, "chat.deepseek.com"), _ => "deepseek"),
        new(u => Host(u, "copilot.microsoft.com"), _ => "copilot"),
        new(u => Host(u, "chat.lmsys.org", "lmarena.ai"), _ => "lmsys-arena"),
    ];

    public static string Attribute(string? explicitModel, string? pageUrl)
    {
        if (ModelNames.Clean(explicitModel) is { } model && !Redactor.Redact(model).Changed) return model;
        return FromPageUrl(pageUrl) ?? Unknown;
    }

    public static string? FromPageUrl(string? pageUrl)
    {
        if (string.IsNullOrWhiteSpace(pageUrl) || !Uri.TryCreate(pageUrl, UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("http" or "https")) return null;
        foreach (var rule in Rules)
        {
            if (rule.Matches(uri)) return rule.Model(uri);
        }
        return null;
    }
}
