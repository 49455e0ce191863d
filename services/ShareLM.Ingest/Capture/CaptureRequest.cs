using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using ShareLM.Events;
using ShareLM.Ingest.Http;
using ShareLM.Ingest.Redaction;

namespace ShareLM.Ingest.Capture;

/// <summary>POST /v1/conversations. Every field is optional to the parser so that validation can name what is missing.</summary>
public sealed record CaptureRequest(
    string? ConversationId,
    string? PageUrl,
    string? Model,
    List<CapturedMessage>? Messages,
    string? Rating,
    DateTimeOffset? CapturedAt);

public sealed record CapturedMessage(string? Role, string? Content, int? Rating);

/// <summary>A conversation as it will be stored: validated, redacted, attributed, hashed.</summary>
public sealed record NormalizedConversation(
    string ClientConversationId,
    string? PageUrl,
    string Model,
    IReadOnlyList<Turn> Turns,
    string? Rating,
    bool Redacted,
    string ContentHash,
    IReadOnlyList<string> TurnHashes);

public sealed record ValidationFailure(string Field, string Detail);

/// <summary>Validation of a capture, then redaction: nothing unredacted leaves this class.</summary>
public static class ConversationRules
{
    public const int MaxClientIdLength = 128;
    public const int MaxMessages = 1_000;
    public const int MaxContentLength = 200_000;
    public const int MaxUrlLength = 2_048;
    public const int MaxModelLength = 200;

    static readonly string[] Roles = [Vocabulary.RoleUser, Vocabulary.RoleAssistant, Vocabulary.RoleSystem];

    public static (NormalizedConversation? Conversation, ValidationFailure? Failure) Normalize(CaptureRequest request)
    {
        if (TextRules.CheckRequired(request.ConversationId, MaxClientIdLength, "conversationId") is { } idProblem)
            return Fail("conversationId", idProblem);
        if (TextRules.CheckOptional(request.PageUrl, MaxUrlLength, "pageUrl") is { } urlProblem)
            return Fail("pageUrl", urlProblem);
        string? pageUrl = null;
        if (request.PageUrl is not null)
        {
            (pageUrl, var pageProblem) = PageAddress.Clean(request.PageUrl);
            if (pageProblem is not null) return Fail("pageUrl", pageProblem);
        }
        if (TextRules.CheckOptional(request.Model, MaxModelLength, "model") is { } modelProblem)
            return Fail("model", modelProblem);
        if (request.Rating is not null && request.Rating is not (Vocabulary.RatingUp or Vocabulary.RatingDown))
            return Fail("rating", "'rating' must be \"up\", \"down\" or absent.");
        if (request.Messages is null || request.Messages.Count == 0)
            return Fail("messages", "'messages' must hold at least one message.");
        if (request.Messages.Count > MaxMessages)
            return Fail("messages", $"'messages' holds more than {MaxMessages} messages.");

        var turns = new List<Turn>(request.Messages.Count);
        var redacted = false;
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            var field = $"messages[{i}]";
            if (message is null) return Fail(field, $"'{field}' must be an object.");
            if (message.Role is null || !Roles.Contains(message.Role))
                return Fail($"{field}.role", $"'{field}.role' must be one of user, assistant, system.");
            if (message.Content is null || message.Content.Trim().Length == 0)
                return Fail($"{field}.content", $"'{field}.content' must not be empty.");
            if (TextRules.CheckOptional(message.Content, MaxContentLength, $"{field}.content") is { } contentProblem)
                return Fail($"{field}.content", contentProblem);
            if (message.Rating is { } rating)
            {
                if (message.Role != Vocabulary.RoleAssistant)
                    return Fail($"{field}.rating", $"'{field}.rating' is only allowed on assistant messages.");
                if (rating is < -1 or > 1)
                    return Fail($"{field}.rating", $"'{field}.rating' must be -1, 0 or 1.");
            }
            var result = Redactor.Redact(message.Content);
            redacted |= result.Changed;
            turns.Add(new Turn(message.Role, result.Text, message.Rating));
        }

        var model = ModelAttribution.Attribute(request.Model, pageUrl);
        return (new NormalizedConversation(request.ConversationId!, pageUrl, model, turns, request.Rating, redacted,
            ContentHash.Of(pageUrl, model, turns, request.Rating), TurnHashes.Of(turns)), null);
    }

    static (NormalizedConversation?, ValidationFailure?) Fail(string field, string detail) => (null, new ValidationFailure(field, detail));
}

/// <summary>The identity of a conversation's content: an identical re-send has the same hash and changes nothing.</summary>
public static class ContentHash
{
    // Every capture is hashed, so each thread keeps its buffer and writer (written through a MemoryStream, the
    // writer's buffer and the stream grew and copied the bytes several times). The bytes hashed are what they
    // always were: stored hashes must keep matching.
    [ThreadStatic] static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] static Utf8JsonWriter? t_writer;
    const int KeptBufferBytes = 256 * 1024;

    public static string Of(string? pageUrl, string model, IReadOnlyList<Turn> turns, string? rating)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(16 * 1024);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("pageUrl", pageUrl);
        writer.WriteString("model", model);
        writer.WriteString("rating", rating);
        writer.WriteStartArray("turns");
        foreach (var t in turns)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(t.Role);
            writer.WriteStringValue(t.Content);
            if (t.Rating is { } r) writer.WriteNumberValue(r); else writer.WriteNullValue();
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        var hash = Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
        if (buffer.Capacity > KeptBufferBytes) (t_buffer, t_writer) = (null, null); // a rare huge conversation's buffer is not kept
        return hash;
    }
}
