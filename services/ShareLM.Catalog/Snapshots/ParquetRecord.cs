using System.Text.Json.Serialization;
using ShareLM.Catalog.Projection;

namespace ShareLM.Catalog.Snapshots;

// The Parquet shape of a public record: the nested types of the ShareLM schema (a list of structs for
// conversation, structs for the metadata), so pyarrow, DuckDB and Hugging Face datasets load it as the
// original dataset loads. Column names come from the JsonPropertyName attributes.

public sealed class ParquetTurn
{
    [JsonPropertyName("content")] public string Content { get; set; } = "";
    [JsonPropertyName("role")] public string Role { get; set; } = "";
}

public sealed class ParquetUserMetadata
{
    [JsonPropertyName("location")] public string Location { get; set; } = "";
    [JsonPropertyName("age")] public string Age { get; set; } = "";
    [JsonPropertyName("gender")] public string Gender { get; set; } = "";
}

public sealed class ParquetConversationMetadata
{
    [JsonPropertyName("rate")] public string Rate { get; set; } = "";
    [JsonPropertyName("language")] public string Language { get; set; } = "";
    [JsonPropertyName("redacted")] public string Redacted { get; set; } = "";
    [JsonPropertyName("toxic")] public string Toxic { get; set; } = "";
    [JsonPropertyName("title")] public string Title { get; set; } = "";
    [JsonPropertyName("custom_instruction")] public string CustomInstruction { get; set; } = "";
    [JsonPropertyName("status")] public string Status { get; set; } = "";
    [JsonPropertyName("message_ratings")] public List<int?> MessageRatings { get; set; } = [];
}

public sealed class ParquetRecord
{
    [JsonPropertyName("conversation_id")] public string ConversationId { get; set; } = "";
    [JsonPropertyName("conversation")] public List<ParquetTurn> Conversation { get; set; } = [];
    [JsonPropertyName("model_name")] public string ModelName { get; set; } = "";
    [JsonPropertyName("user_id")] public string UserId { get; set; } = "";
    [JsonPropertyName("timestamp")] public string Timestamp { get; set; } = "";
    [JsonPropertyName("source")] public string Source { get; set; } = "";
    [JsonPropertyName("user_metadata")] public ParquetUserMetadata UserMetadata { get; set; } = new();
    [JsonPropertyName("conversation_metadata")] public ParquetConversationMetadata ConversationMetadata { get; set; } = new();
    [JsonPropertyName("schema_version")] public int SchemaVersion { get; set; }

    public static ParquetRecord From(PublicRecord r) => new()
    {
        ConversationId = r.ConversationId,
        Conversation = r.Conversation.Select(t => new ParquetTurn { Content = t.Content, Role = t.Role }).ToList(),
        ModelName = r.ModelName,
        UserId = r.UserId,
        Timestamp = r.Timestamp,
        Source = r.Source,
        UserMetadata = new ParquetUserMetadata { Location = r.UserMetadata.Location, Age = r.UserMetadata.Age, Gender = r.UserMetadata.Gender },
        ConversationMetadata = new ParquetConversationMetadata
        {
            Rate = r.ConversationMetadata.Rate,
            Language = r.ConversationMetadata.Language,
            Redacted = r.ConversationMetadata.Redacted,
            Toxic = r.ConversationMetadata.Toxic,
            Title = r.ConversationMetadata.Title,
            CustomInstruction = r.ConversationMetadata.CustomInstruction,
            Status = r.ConversationMetadata.Status,
            MessageRatings = [.. r.ConversationMetadata.MessageRatings],
        },
        SchemaVersion = r.SchemaVersion,
    };
}
