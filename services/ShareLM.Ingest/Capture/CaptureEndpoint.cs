using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Contributors;
using ShareLM.Ingest.Http;
using ShareLM.Ingest.Streams;
using ShareLM.ServiceDefaults.Hosting;
using ShareLM.ServiceDefaults.Http;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Ingest.Capture;

public sealed record CaptureAccepted(Guid Id, string Status, DateTimeOffset PublishAt, int Revision);

public static class CaptureEndpoint
{
    public static RouteGroupBuilder MapCapture(this RouteGroupBuilder group)
    {
        group.MapPost("/conversations", CaptureAsync).WithName("CaptureConversation").AcceptsJson<CaptureRequest>()
            .ProducesProblem(StatusCodes.Status410Gone)
            .WithExamples(
                new
                {
                    conversationId = "67a1b2c3-0000-4000-8000-000000000001",
                    pageUrl = "https://chatgpt.com/c/67a1b2c3-0000-4000-8000-000000000001",
                    model = "gpt-4o",
                    messages = new object[]
                    {
                        new { role = "user", content = "How do I keep a sourdough starter alive while I travel?" },
                        new { role = "assistant", content = "Feed it, let it rise for an hour, then keep it in the fridge.", rating = 1 },
                    },
                    rating = "up",
                },
                (StatusCodes.Status202Accepted, new CaptureAccepted(Guid.Parse("01938a4e-7c1d-7b9e-a3f0-5d2c8e9b1a47"), "held",
                    new DateTimeOffset(2026, 12, 3, 9, 30, 0, TimeSpan.Zero), 1)))
            .WithSummary("Capture a conversation, or a new revision of one (the whole conversation each time)");
        return group;
    }

    static async Task<Results<Accepted<CaptureAccepted>, ProblemHttpResult>> CaptureAsync(
        HttpContext http, ConversationWriter writer, IOptions<HoldOptions> hold, CancellationToken cancellationToken)
    {
        var (request, problem) = await StrictJson.ReadAsync<CaptureRequest>(http.Request, StrictJson.Api);
        if (problem is not null) return problem;
        var (conversation, failure) = ConversationRules.Normalize(request!);
        if (failure is not null) return Problems.BadRequest(failure.Field, failure.Detail);

        var contributor = ContributorAuthentication.Current(http);
        var id = ConversationIds.ForContribution(contributor.Id, conversation!.ClientConversationId);
        var origin = new CaptureOrigin(contributor.Id, Vocabulary.SourceExtension, contributor.TermsVersion, contributor.Demographics, hold.Value.HoldWindow);
        var result = await writer.WriteAsync(id, CaptureDecisions.Capture(id, origin, conversation), cancellationToken);
        return Respond(id, result);
    }

    internal static Results<Accepted<CaptureAccepted>, ProblemHttpResult> Respond(Guid id, WriteResult result)
    {
        if (result.Decision is Decision.Refuse refuse) return refuse.ToProblem();
        Count(result);
        var state = result.After!;
        return TypedResults.Accepted($"/v1/conversations/{id}",
            new CaptureAccepted(id, CaptureDecisions.StatusName(state), state.PublishAt, state.Revision));
    }

    static void Count(WriteResult result)
    {
        if (result.Decision is not Decision.Append append) return;
        foreach (var e in append.Events)
        {
            if (e is ConversationCaptured) ShareLMTelemetry.Accepted.Add(1);
            else if (e is ConversationRevised or ConversationExtended or ConversationRated) ShareLMTelemetry.Revised.Add(1);
        }
    }
}
