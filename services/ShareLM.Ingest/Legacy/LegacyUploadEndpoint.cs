using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Capture;
using ShareLM.Ingest.Http;
using ShareLM.Ingest.Streams;
using ShareLM.ServiceDefaults.Hosting;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Ingest.Legacy;

/// <summary>The original extension's upload body, exactly as it sends it (snake_case, no authentication).</summary>
public sealed record LegacyUpload(
    string? ConversationId,
    List<string>? UserMsgs,
    List<string>? BotMsgs,
    string? PageUrl,
    string? UserId,
    LegacyUserMetadata? UserMetadata,
    string? Timestamp,
    LegacyConversationMetadata? ConversationMetadata);

public sealed record LegacyUserMetadata(string? Age, string? Gender, string? Location);

public sealed record LegacyConversationMetadata(List<int?>? MessageRatings, string? Rate);

public sealed record LegacyAnswer(string Message, Guid ConversationId);

/// <summary>
/// POST /api/endpoint: what an existing ShareLM extension sends. Its per-browser user_id becomes a legacy
/// contributor; user and bot turns interleave user-first; message_ratings land on the bot turns and rate on the
/// conversation. That extension already held the conversation for 24 hours, so the hold here is its own
/// (zero by default). Re-sending the same conversation does not duplicate it.
/// </summary>
public static class LegacyUploadEndpoint
{
    public const string RateLimit = "legacy";
    public const string LegacyTermsVersion = "sharelm-extension-v1";

    public static IEndpointRouteBuilder MapLegacyUpload(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/endpoint", UploadAsync).RequireRateLimiting(RateLimit).AcceptsJson<LegacyUpload>().Produces<LegacyAnswer>()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesServiceProblems().WithSummary("The original ShareLM extension's upload, unchanged");
        return routes;
    }

    public static (CaptureRequest? Request, ValidationFailure? Failure) Translate(LegacyUpload upload)
    {
        if (TextRules.CheckRequired(upload.UserId, 128, "user_id") is { } user) return (null, new("user_id", user));
        if (TextRules.CheckRequired(upload.ConversationId, ConversationRules.MaxClientIdLength, "conversation_id") is { } id)
            return (null, new("conversation_id", id));
        var users = upload.UserMsgs ?? [];
        var bots = upload.BotMsgs ?? [];
        if (users.Count + bots.Count == 0) return (null, new("user_msgs", "'user_msgs' and 'bot_msgs' are both empty."));
        if (users.Count + bots.Count > ConversationRules.MaxMessages)
            return (null, new("user_msgs", $"More than {ConversationRules.MaxMessages} messages."));
        var ratings = upload.ConversationMetadata?.MessageRatings ?? [];
        if (ratings.Count > bots.Count) return (null, new("conversation_metadata.message_ratings", "More ratings than bot messages."));
        var rate = upload.ConversationMetadata?.Rate switch
        {
            null or "" => null,
            "thumbup" => Vocabulary.RatingUp,
            "thumbdown" => Vocabulary.RatingDown,
            _ => "invalid",
        };
        if (rate == "invalid") return (null, new("conversation_metadata.rate", "'rate' must be \"thumbup\" or \"thumbdown\"."));

        var messages = new List<CapturedMessage>(users.Count + bots.Count);
        for (var i = 0; i < Math.Max(users.Count, bots.Count); i++)
        {
            if (i < users.Count) messages.Add(new CapturedMessage(Vocabulary.RoleUser, users[i], null));
            if (i < bots.Count) messages.Add(new CapturedMessage(Vocabulary.RoleAssistant, bots[i], i < ratings.Count ? ratings[i] : null));
        }
        return (new CaptureRequest(upload.ConversationId, string.IsNullOrWhiteSpace(upload.PageUrl) ? null : upload.PageUrl, null, messages, rate, null), null);
    }

    static async Task<Results<JsonHttpResult<LegacyAnswer>, ProblemHttpResult>> UploadAsync(
        HttpContext http, ConversationWriter writer, IOptions<HoldOptions> hold)
    {
        var (upload, problem) = await StrictJson.ReadAsync<LegacyUpload>(http.Request, StrictJson.Legacy);
        if (problem is not null) return problem;
        var (request, failure) = Translate(upload!);
        if (failure is not null) return Problems.BadRequest(failure.Field, failure.Detail);
        var (conversation, invalid) = ConversationRules.Normalize(request!);
        if (invalid is not null) return Problems.BadRequest(LegacyField(invalid.Field), invalid.Detail);
        var metadata = upload!.UserMetadata;
        foreach (var (name, value) in new[] { ("age", metadata?.Age), ("gender", metadata?.Gender), ("location", metadata?.Location) })
        {
            if (TextRules.CheckOptional(value, 128, name) is { } bad) return Problems.BadRequest($"user_metadata.{name}", bad);
        }

        var contributorId = ConversationIds.ForLegacyContributor(upload.UserId!);
        var id = ConversationIds.ForContribution(contributorId, conversation!.ClientConversationId);
        var origin = new CaptureOrigin(contributorId, Vocabulary.SourceLegacyExtension, LegacyTermsVersion,
            // The original extension's free text, mapped to the vocabularies where it can be and dropped where not.
            DemographicVocabulary.Coerce(new Demographics(metadata?.Age, metadata?.Gender, metadata?.Location)), hold.Value.LegacyHoldWindow,
            AppendOnly: true);
        // Committed even if the sender hangs up: the original extension never sends again, and its uploads may only
        // add turns, so a late one cannot undo a newer one (the /v1 capture is dropped instead; its sender retries).
        var result = await writer.WriteAsync(id, CaptureDecisions.Capture(id, origin, conversation), CancellationToken.None);
        if (result.Decision is Decision.Refuse refuse) return refuse.ToProblem();
        return TypedResults.Json(new LegacyAnswer("Conversation received", id), StrictJson.Legacy);
    }

    // Validation speaks the /v1 names; the legacy body has its own.
    static string LegacyField(string field) => field switch
    {
        "conversationId" => "conversation_id",
        "pageUrl" => "page_url",
        "rating" => "conversation_metadata.rate",
        _ => field,
    };
}
