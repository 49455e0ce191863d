using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ShareLM.Catalog.Language;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Events;

namespace ShareLM.Catalog.Projection;

// One public record in the ShareLM dataset schema (Hugging Face shachardon/ShareLM), snake_case, plus
// conversation_metadata.message_ratings (per-response ratings aligned with the assistant turns; null where a
// response was not rated) and a schema_version. It never holds the contributor id, token, client
// conversation id or page URL.

public sealed record PublicTurn(string Content, string Role);

public sealed record PublicUserMetadata(string Location, string Age, string Gender);

public sealed record PublicConversationMetadata(
    string Rate,
    string Language,
    string Redacted,
    string Toxic,
    string Title,
    string CustomInstruction,
    string Status,
    IReadOnlyList<int?> MessageRatings);

public sealed record PublicRecord(
    int SchemaVersion,
    string ConversationId,
    IReadOnlyList<PublicTurn> Conversation,
    string ModelName,
    string UserId,
    string Timestamp,
    string Source,
    PublicUserMetadata UserMetadata,
    PublicConversationMetadata ConversationMetadata)
{
    public const int CurrentSchemaVersion = 1;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PublicRecord? FromJson(string json) => JsonSerializer.Deserialize<PublicRecord>(json, Json);

    /// <summary>Maps ShareLM's conversation rating vocabulary.</summary>
    public static string Rate(string? rating) => rating switch
    {
        Vocabulary.RatingUp => "thumbup",
        Vocabulary.RatingDown => "thumbdown",
        _ => "",
    };

    public static PublicRecord From(Guid conversationId, CatalogDraft draft, Pseudonymizer pseudonyms)
    {
        var userId = draft.Imported
            ? draft.UpstreamUser is { Length: > 0 } upstream ? pseudonyms.ForUpstream(draft.Source, upstream) : ""
            : pseudonyms.For(draft.ContributorId);
        var language = draft.Language ?? LanguageDetector.Detect(draft.Turns.Where(t => t.Role == Vocabulary.RoleUser).Select(t => t.Content));
        return new PublicRecord(
            CurrentSchemaVersion,
            conversationId.ToString("D"),
            draft.Turns.Select(t => new PublicTurn(t.Content, t.Role)).ToList(),
            draft.Model,
            userId,
            draft.UpstreamTimestamp ?? draft.ChangedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            draft.Source,
            new PublicUserMetadata(draft.Demographics.Location ?? "", draft.Demographics.Age ?? "", draft.Demographics.Gender ?? ""),
            new PublicConversationMetadata(
                Rate(draft.Rating),
                language,
                draft.Redacted ? "true" : "false",
                draft.Toxic ?? "",
                "",
                "",
                "published",
                draft.Turns.Where(t => t.Role == Vocabulary.RoleAssistant).Select(t => t.Rating).ToList()));
    }
}
