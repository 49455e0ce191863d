using Microsoft.AspNetCore.Http.HttpResults;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Contributors;
using ShareLM.Ingest.Streams;

namespace ShareLM.Ingest.Publication;

public sealed record PublicationAccepted(Guid Id, string Status, int Revision);

/// <summary>"Publish now": ends the hold of the current revision; Retention publishes it and cancels the schedule.</summary>
public static class PublishEndpoint
{
    public static Decide PublishNow(Guid contributorId) => (state, now) =>
    {
        if (state is null || state.ContributorId != contributorId)
            return new Decision.Refuse(StatusCodes.Status404NotFound, "Not found", "No such conversation.");
        if (state.IsDeletedOrDeleting)
            return new Decision.Refuse(StatusCodes.Status410Gone, "Gone", "This conversation was deleted.");
        if (state.Status == ConversationStatus.Published) return Decision.Nothing;
        return new Decision.Append([new PublicationRequested(state.Id, state.Revision, now)]);
    };

    public static RouteGroupBuilder MapPublication(this RouteGroupBuilder group)
    {
        group.MapPost("/conversations/{id:guid}/publish", PublishAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone).WithSummary("Publish now, ending the hold");
        return group;
    }

    static async Task<Results<Accepted<PublicationAccepted>, ProblemHttpResult>> PublishAsync(
        Guid id, HttpContext http, ConversationWriter writer, CancellationToken cancellationToken)
    {
        var contributor = ContributorAuthentication.Current(http);
        var result = await writer.WriteAsync(id, PublishNow(contributor.Id), cancellationToken);
        if (result.Decision is Decision.Refuse refuse) return refuse.ToProblem();
        var state = result.After!;
        return TypedResults.Accepted($"/v1/conversations/{id}",
            new PublicationAccepted(id, state.Status == ConversationStatus.Published ? "published" : "publishing", state.Revision));
    }
}
