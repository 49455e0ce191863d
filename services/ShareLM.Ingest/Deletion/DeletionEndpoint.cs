using Microsoft.AspNetCore.Http.HttpResults;
using ShareLM.Events;
using ShareLM.Ingest.Contributors;
using ShareLM.Ingest.Streams;

namespace ShareLM.Ingest.Deletion;

public sealed record DeletionAccepted(Guid Id, string Status);

/// <summary>
/// Withdrawal. Before publication the conversation is never published; after, it is taken down. Either way
/// Retention erases its content. Idempotent: deleting again answers the same.
/// </summary>
public static class DeletionDecisions
{
    public static Decide Withdraw(Guid contributorId, string requestedBy, string? reason = null) => (state, now) =>
    {
        if (state is null || state.ContributorId != contributorId)
            return new Decision.Refuse(StatusCodes.Status404NotFound, "Not found", "No such conversation.");
        if (state.IsDeletedOrDeleting) return Decision.Nothing;
        return new Decision.Append([new DeletionRequested(state.Id, requestedBy, reason, now)]);
    };
}

public static class DeletionEndpoint
{
    public static RouteGroupBuilder MapDeletion(this RouteGroupBuilder group)
    {
        group.MapDelete("/conversations/{id:guid}", DeleteAsync).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Withdraw a conversation: never published if held, taken down and erased if public");
        return group;
    }

    static async Task<Results<Accepted<DeletionAccepted>, ProblemHttpResult>> DeleteAsync(
        Guid id, HttpContext http, ConversationWriter writer, CancellationToken cancellationToken)
    {
        var contributor = ContributorAuthentication.Current(http);
        var result = await writer.WriteAsync(id, DeletionDecisions.Withdraw(contributor.Id, Vocabulary.DeletedByContributor), cancellationToken);
        if (result.Decision is Decision.Refuse refuse) return refuse.ToProblem();
        return TypedResults.Accepted($"/v1/conversations/{id}", new DeletionAccepted(id, "deleted"));
    }
}
