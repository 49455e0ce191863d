using System.Text.RegularExpressions;

namespace ShareLM.Conversations;

/// <summary>
/// What may be published as a conversation's model name. A client's model is free text (a page's label), and a
/// Hugging Face Space's path names its owner, who may be a private person: a name is published only if it looks
/// like a model name, and a Space by its id only when it is a known public one (<see cref="PublicSpaces"/>),
/// otherwise as plain <see cref="HfSpace"/>.
/// </summary>
public static partial class ModelNames
{
    public const string Unknown = "unknown";
    public const string HfSpace = "hf-space";
    public const string SpacePrefix = "hf-space:";
    public const int MaxLength = 100;

    /// <summary>
    /// Spaces known to be public demos of an organisation, not of a person. Others are published as "hf-space": to
    /// add one, check that its owner is an organisation and that the Space is public, and add "owner/space".
    /// </summary>
    public static IReadOnlySet<string> PublicSpaces => Spaces;

    static readonly HashSet<string> Spaces = new(StringComparer.OrdinalIgnoreCase)
    {
        "openai/whisper",
        "HuggingFaceH4/zephyr-chat",
        "huggingface-projects/llama-2-13b-chat",
        "huggingface-projects/llama-3.2-vision-11B",
        "Qwen/Qwen2.5",
        "Qwen/Qwen2.5-Max-Demo",
        "mistralai/Mistral-7B-Instruct-v0.2",
        "google/gemma-2-9b-it",
        "CohereForAI/c4ai-command-r-plus",
        "microsoft/Phi-3-mini-4k-instruct",
        "allenai/WildChat",
        "lmsys/chatbot-arena-leaderboard",
    };

    /// <summary>The client's model name tidied (spaces collapsed), or null when it does not look like a model's name.</summary>
    public static string? Clean(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var tidy = string.Join(' ', name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return tidy.Length <= MaxLength && Shape().IsMatch(tidy) ? tidy : null;
    }

    /// <summary>The id of a Space at huggingface.co/spaces/{owner}/{space}, as published.</summary>
    public static string ForSpace(string owner, string space)
    {
        var id = $"{owner}/{space}";
        return Spaces.TryGetValue(id, out var known) ? SpacePrefix + known : HfSpace;
    }

    /// <summary>The id of a Space served at {subdomain}.hf.space ("owner-space", lower case, dots and underscores as dashes).</summary>
    public static string ForSpaceHost(string subdomain)
    {
        foreach (var id in PublicSpaces)
        {
            if (string.Equals(Subdomain(id), subdomain, StringComparison.OrdinalIgnoreCase)) return SpacePrefix + id;
        }
        return HfSpace;
    }

    /// <summary>
    /// What a stored model name is published as: the same rules applied again, so a name stored before them (a
    /// Space's owner, a label with an address in it) is not published either.
    /// </summary>
    public static string Publishable(string? model)
    {
        if (model is null) return Unknown;
        if (model.StartsWith(SpacePrefix, StringComparison.Ordinal))
        {
            var id = model[SpacePrefix.Length..];
            return PublicSpaces.Contains(id) ? model : id.Contains('/', StringComparison.Ordinal) ? HfSpace : ForSpaceHost(id);
        }
        return Clean(model) ?? Unknown;
    }

    static string Subdomain(string id) => id.Replace('/', '-').Replace('.', '-').Replace('_', '-').ToLowerInvariant();

    // Letters, digits and the punctuation model names use; no '@' (an address), no URL, no markup.
    [GeneratedRegex(@"^[\p{L}\p{N}][\p{L}\p{N} ._:/+()\[\]-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
