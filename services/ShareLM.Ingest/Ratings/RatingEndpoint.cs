using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Capture;
using ShareLM.Ingest.Contributors;
using ShareLM.Ingest.Http;
using ShareLM.Ingest.Streams;
using ShareLM.ServiceDefaults.Hosting;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Ingest.Ratings;

/// <summary>PUT replaces every rating: the conversation's 👍/👎 and the listed turns' −1/0/+1 (unlisted turns become unrated).</summary>
public sealed record RateConversation(string? Rating, List<TurnRating>? Messages);

public sealed record TurnRating(int? Index, int? Rating);

public static class RatingEndpoint
{
    public static RouteGroupBuilder MapRatings(this RouteGroupBuilder group)
    {
        group.MapPut("/conversations/{id:guid}/rating", RateAsync).AcceptsJson<RateConversation>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status410Gone).WithSummary("Rate the conversation and its responses (a new revision: the hold restarts)");
        return group;
    }

    /// <summary>The stream moved between reading its content and deciding: read it again.</summary>
    static readonly Decision.Refuse Stale = new(StatusCodes.Status409Conflict, "Conflict",
        "The conversation changed while it was being rated; send the rating again.");

    /// <summary>
    /// A change of ratings is a new revision and restarts the hold, as in the original extension. The write model
    /// keeps no text, so the decision takes the content read from the stream, and holds only if the stream is
    /// still at the version that content was read at.
    /// </summary>
    public static Decide Rate(Guid contributorId, RateConversation request, HoldOptions hold, ConversationContent content) => (state, now) =>
    {
        if (state is null || state.ContributorId != contributorId)
            return new Decision.Refuse(StatusCodes.Status404NotFound, "Not found", "No such conversation.");
        if (state.IsDeletedOrDeleting)
            return new Decision.Refuse(StatusCodes.Status410Gone, "Gone", "This conversation was deleted.");
        if (content.Version != state.Version) return Stale;
        var turnsNow = content.Turns;

        var ratings = new int?[turnsNow.Count];
        for (var i = 0; i < (request.Messages?.Count ?? 0); i++)
        {
            var entry = request.Messages![i];
            var field = $"messages[{i}]";
            if (entry?.Index is not { } index || index < 0 || index >= turnsNow.Count)
                return new Decision.Refuse(400, "Invalid request", $"'{field}.index' must name a message of this conversation (0..{turnsNow.Count - 1}).", $"{field}.index");
            if (turnsNow[index].Role != Vocabulary.RoleAssistant)
                return new Decision.Refuse(400, "Invalid request", $"Message {index} is not the assistant's; only responses can be rated.", $"{field}.index");
            if (entry.Rating is { } r && r is < -1 or > 1)
                return new Decision.Refuse(400, "Invalid request", $"'{field}.rating' must be -1, 0, 1 or null.", $"{field}.rating");
            ratings[index] = entry.Rating;
        }
        var turns = Turn.WithRatings(turnsNow, ratings);
        var hash = ContentHash.Of(state.PageUrl, state.Model, turns, request.Rating);
        if (hash == state.ContentHash) return Decision.Nothing;
        var window = hold.WindowFor(state.Source);
        return new Decision.Append([new ConversationRated(state.Id, state.Revision + 1, request.Rating, ratings, hash, now, now + window)]);
    };

    static async Task<Results<Accepted<CaptureAccepted>, ProblemHttpResult>> RateAsync(
        Guid id, HttpContext http, ConversationWriter writer, Marten.IQuerySession session, IOptions<HoldOptions> hold, CancellationToken cancellationToken)
    {
        var (request, problem) = await StrictJson.ReadAsync<RateConversation>(http.Request, StrictJson.Api);
        if (problem is not null) return problem;
        if (request!.Rating is not null && request.Rating is not (Vocabulary.RatingUp or Vocabulary.RatingDown))
            return Problems.BadRequest("rating", "'rating' must be \"up\", \"down\" or null.");
        if (request.Messages is { Count: > ConversationRules.MaxMessages })
            return Problems.BadRequest("messages", $"'messages' holds more than {ConversationRules.MaxMessages} entries.");
        var contributor = ContributorAuthentication.Current(http);
        for (var attempt = 1; ; attempt++)
        {
            var content = await ContentReader.ReadAsync(session, id, cancellationToken);
            var result = await writer.WriteAsync(id, Rate(contributor.Id, request, hold.Value, content), cancellationToken);
            if (ReferenceEquals(result.Decision, Stale) && attempt < 5) continue; // a re-send landed in between
            return CaptureEndpoint.Respond(id, result);
        }
    }
}
