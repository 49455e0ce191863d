using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Conversations;
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

    /// <summary>
    /// When a conversation was last changed, to the hour: a time to the millisecond, with a pseudonym and
    /// demographics, can single a person out.
    /// </summary>
    public static string PublicTimestamp(DateTimeOffset changedAt)
    {
        var utc = changedAt.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
    }

    /// <param name="language">The revision's language: an import's own tag, else the one recorded when it was published.</param>
    public static PublicRecord From(Guid conversationId, ConversationContent content, Pseudonymizer pseudonyms, string language)
    {
        var userId = content.Imported
            ? content.UpstreamUser is { Length: > 0 } upstream ? pseudonyms.ForUpstream(content.Source, upstream) : ""
            : pseudonyms.For(content.ContributorId);
        // Ours go out through the vocabularies again (events stored before them held free text); an import's are
        // its upstream dataset's, already public.
        var demographics = content.Imported ? content.Demographics : DemographicVocabulary.Coerce(content.Demographics);
        return new PublicRecord(
            CurrentSchemaVersion,
            conversationId.ToString("D"),
            content.Turns.Select(t => new PublicTurn(t.Content, t.Role)).ToList(),
            ModelNames.Publishable(content.Model),
            userId,
            content.UpstreamTimestamp ?? PublicTimestamp(content.ChangedAt),
            content.Source,
            new PublicUserMetadata(demographics.Location ?? "", demographics.Age ?? "", demographics.Gender ?? ""),
            new PublicConversationMetadata(
                Rate(content.Rating),
                language,
                content.Redacted ? "true" : "false",
                content.Toxic ?? "",
                "",
                "",
                "published",
                content.Turns.Where(t => t.Role == Vocabulary.RoleAssistant).Select(t => t.Rating).ToList()));
    }
}
