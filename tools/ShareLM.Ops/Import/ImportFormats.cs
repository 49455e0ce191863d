using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ShareLM.Events;
using ShareLM.Ingest.Http;
using ShareLM.Ingest.Redaction;

namespace ShareLM.Ops.Import;

/// <summary>One upstream row, unified: what becomes a <see cref="ConversationImported"/>.</summary>
public sealed record UpstreamConversation(
    string? UpstreamId,
    string? UpstreamUser,
    string Model,
    IReadOnlyList<Turn> Turns,
    string? Rating,
    string? Language,
    string? Toxic,
    bool Redacted,
    Demographics Demographics,
    string? Timestamp)
{
    /// <summary>The upstream id, or a hash of the content when the dataset has none: the import's identity.</summary>
    public string Identity => UpstreamId is { Length: > 0 } id ? id : ShareLM.Conversations.Masking.HashedUpstreamPrefix + ContentHash(Turns);

    public static string ContentHash(IReadOnlyList<Turn> turns)
    {
        var text = new StringBuilder();
        foreach (var t in turns) text.Append(t.Role).Append('\u001f').Append(t.Content).Append('\u001e');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

public sealed class RowRejected(string reason) : Exception(reason);

/// <summary>
/// The upstream datasets ShareLM unifies, each mapped into the ShareLM schema:
/// <c>sharelm</c> (its own rows), <c>openai</c> (<c>messages: [{role, content}]</c>), <c>sharegpt</c>
/// (<c>conversations: [{from, value}]</c>), <c>lmsys</c> (LMSYS-Chat-1M), <c>wildchat</c> (WildChat) and
/// <c>hh-rlhf</c> (the <c>chosen</c> text split into Human/Assistant turns). Every text goes through the same
/// redaction as a captured conversation.
/// </summary>
public static class ImportFormats
{
    public sealed record Format(string Name, string DefaultSource, Func<JsonElement, UpstreamConversation> Map);

    public static readonly IReadOnlyDictionary<string, Format> All = new Dictionary<string, Format>(StringComparer.OrdinalIgnoreCase)
    {
        ["sharelm"] = new("sharelm", "sharelm", MapShareLM),
        ["openai"] = new("openai", "openai-chat", MapOpenAI),
        ["sharegpt"] = new("sharegpt", "sharegpt", MapShareGpt),
        ["lmsys"] = new("lmsys", "lmsys-chat-1m", MapLmsys),
        ["wildchat"] = new("wildchat", "wildchat-1m", MapWildChat),
        ["hh-rlhf"] = new("hh-rlhf", "anthropic-hh-rlhf", MapHhRlhf),
    };

    const int MaxTurns = 1_000;
    const int MaxContent = 200_000;

    static UpstreamConversation MapShareLM(JsonElement row)
    {
        var turns = Turns(row, "conversation", "role", "content");
        var user = Object(row, "user_metadata");
        var meta = Object(row, "conversation_metadata");
        return Build(Text(row, "conversation_id"), Text(row, "user_id"), Text(row, "model_name"), turns,
            Text(meta, "rate") switch { "thumbup" => Vocabulary.RatingUp, "thumbdown" => Vocabulary.RatingDown, _ => null },
            Text(meta, "language"), Text(meta, "toxic"), Flag(Field(meta, "redacted")),
            new Demographics(Text(user, "age"), Text(user, "gender"), Text(user, "location")), Text(row, "timestamp"));
    }

    static UpstreamConversation MapOpenAI(JsonElement row) =>
        Build(Text(row, "id") ?? Text(row, "conversation_id"), null, Text(row, "model"), Turns(row, "messages", "role", "content"),
            null, Text(row, "language"), null, false, Demographics.None, Text(row, "timestamp") ?? Text(row, "created"));

    static UpstreamConversation MapShareGpt(JsonElement row) =>
        Build(Text(row, "id"), null, Text(row, "model"), Turns(row, "conversations", "from", "value"),
            null, Text(row, "language") ?? Text(row, "lang"), null, false, Demographics.None, null);

    static UpstreamConversation MapLmsys(JsonElement row)
    {
        var flagged = Field(row, "openai_moderation") is { ValueKind: JsonValueKind.Array } moderation
            ? moderation.EnumerateArray().Any(m => Flag(Field(m, "flagged"))) ? "true" : "false"
            : null;
        return Build(Text(row, "conversation_id"), null, Text(row, "model"), Turns(row, "conversation", "role", "content"),
            null, Iso639(Text(row, "language")), flagged, Flag(Field(row, "redacted")), Demographics.None, Text(row, "tstamp") ?? Text(row, "timestamp"));
    }

    static UpstreamConversation MapWildChat(JsonElement row) =>
        Build(Text(row, "conversation_hash") ?? Text(row, "conversation_id"), Text(row, "hashed_ip"), Text(row, "model"),
            Turns(row, "conversation", "role", "content"), null, Iso639(Text(row, "language")),
            Field(row, "toxic") is { } toxic ? (Flag(toxic) ? "true" : "false") : null, Flag(Field(row, "redacted")),
            new Demographics(null, null, Text(row, "country")), Text(row, "timestamp"));

    static UpstreamConversation MapHhRlhf(JsonElement row)
    {
        var chosen = Text(row, "chosen") ?? throw new RowRejected("'chosen' is missing");
        var turns = new List<Turn>();
        foreach (var part in chosen.Split("\n\nHuman:", StringSplitOptions.None))
        {
            if (part.Length == 0) continue;
            var pieces = part.Split("\n\nAssistant:", StringSplitOptions.None);
            if (turns.Count == 0 && !chosen.TrimStart('\n').StartsWith("Human:", StringComparison.Ordinal))
                throw new RowRejected("'chosen' does not start with a Human turn");
            turns.Add(new Turn(Vocabulary.RoleUser, pieces[0].Trim()));
            foreach (var answer in pieces.Skip(1)) turns.Add(new Turn(Vocabulary.RoleAssistant, answer.Trim()));
        }
        return Build(null, null, null, turns, null, null, null, false, Demographics.None, null);
    }

    static UpstreamConversation Build(string? id, string? user, string? model, List<Turn> turns, string? rating, string? language,
        string? toxic, bool redacted, Demographics demographics, string? timestamp)
    {
        if (turns.Count == 0) throw new RowRejected("the conversation has no turns");
        if (turns.Count > MaxTurns) throw new RowRejected($"more than {MaxTurns} turns");
        var clean = new List<Turn>(turns.Count);
        var anyRedacted = redacted;
        foreach (var t in turns)
        {
            if (string.IsNullOrWhiteSpace(t.Content)) throw new RowRejected("a turn is empty");
            if (t.Content.Length > MaxContent) throw new RowRejected($"a turn is longer than {MaxContent} characters");
            var result = Redactor.Redact(StripControls(t.Content));
            anyRedacted |= result.Changed;
            clean.Add(t with { Content = result.Text });
        }
        if (id is { Length: > 256 }) throw new RowRejected("the upstream id is longer than 256 characters");
        return new UpstreamConversation(id, user, string.IsNullOrWhiteSpace(model) ? "unknown" : model.Trim(), clean, rating,
            language is { Length: > 0 } ? language : null, toxic, anyRedacted,
            new Demographics(Short(demographics.Age), Short(demographics.Gender), Short(demographics.Location)), timestamp);
    }

    static List<Turn> Turns(JsonElement row, string field, string roleField, string contentField)
    {
        if (Field(row, field) is not { ValueKind: JsonValueKind.Array } array) throw new RowRejected($"'{field}' is missing or not a list");
        var turns = new List<Turn>(array.GetArrayLength());
        foreach (var turn in array.EnumerateArray())
        {
            if (turn.ValueKind != JsonValueKind.Object) throw new RowRejected($"an item of '{field}' is not an object");
            var role = Role(Text(turn, roleField)) ?? throw new RowRejected($"unknown role '{Text(turn, roleField)}' in '{field}'");
            var content = Field(turn, contentField) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw new RowRejected($"a turn's '{contentField}' is not text");
            turns.Add(new Turn(role, content));
        }
        return turns;
    }

    static string? Role(string? role) => role?.Trim().ToLowerInvariant() switch
    {
        "user" or "human" or "prompter" => Vocabulary.RoleUser,
        "assistant" or "gpt" or "bot" or "chatgpt" or "model" or "chatbot" => Vocabulary.RoleAssistant,
        "system" => Vocabulary.RoleSystem,
        _ => null,
    };

    /// <summary>A field of an object, or null when the row is not an object or the field is absent or null.</summary>
    static JsonElement? Field(JsonElement? row, string field) =>
        row is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(field, out var value) && value.ValueKind is not JsonValueKind.Null
            ? value
            : null;

    static JsonElement? Object(JsonElement row, string field) => Field(row, field) is { ValueKind: JsonValueKind.Object } o ? o : null;

    static string? Text(JsonElement? row, string field) => Field(row, field) switch
    {
        { ValueKind: JsonValueKind.String } v => v.GetString(),
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
        { ValueKind: JsonValueKind.Number } v when v.TryGetDouble(out var d) => d.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    static bool Flag(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.String } v => v.GetString()!.Equals("true", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    static string? Iso639(string? language) => language?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "english" => "en",
        "chinese" => "zh",
        "russian" => "ru",
        "spanish" => "es",
        "french" => "fr",
        "german" => "de",
        "portuguese" => "pt",
        "italian" => "it",
        "japanese" => "ja",
        "korean" => "ko",
        "arabic" => "ar",
        "turkish" => "tr",
        "polish" => "pl",
        "dutch" => "nl",
        "vietnamese" => "vi",
        "indonesian" => "id",
        "persian" => "fa",
        "hebrew" => "he",
        "ukrainian" => "uk",
        "hindi" => "hi",
        "swedish" => "sv",
        "greek" => "el",
        "thai" => "th",
        var code when code.Length == 2 => code,
        _ => "und",
    };

    static string StripControls(string text)
    {
        if (!TextRules.HasForbiddenControl(text)) return text;
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
                continue;
            }
            if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF') continue; // lone halves cannot be stored
            if (!char.IsControl(c) || c is '\t' or '\n' or '\r') clean.Append(c);
        }
        return clean.ToString();
    }

    static string? Short(string? value) => value is { Length: > 128 } ? value[..128] : value;
}
