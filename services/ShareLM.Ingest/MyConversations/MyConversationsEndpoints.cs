using Marten;
using Marten.Pagination;
using Microsoft.AspNetCore.Http.HttpResults;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Capture;
using ShareLM.Ingest.Contributors;
using ShareLM.Ingest.Streams;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Ingest.MyConversations;

public sealed record ConversationSummary(Guid Id, string ClientConversationId, string Status, int Revision, string Model,
    int MessageCount, DateTimeOffset CapturedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishAt, DateTimeOffset? PublishedAt,
    int? PublishedRevision);

public sealed record ConversationPage(IReadOnlyList<ConversationSummary> Items, int Page, int PageSize, long Total);

public sealed record ConversationDetail(Guid Id, string ClientConversationId, string Status, int Revision, string Source, string Model,
    string? PageUrl, string? Rating, bool Redacted, string TermsVersion, IReadOnlyList<Turn> Messages, DateTimeOffset CapturedAt,
    DateTimeOffset UpdatedAt, DateTimeOffset? PublishAt, DateTimeOffset? PublishedAt, int? PublishedRevision, DateTimeOffset? DeletedAt);

/// <summary>Everything we hold about a contributor. The conversations are written as they are read, a chunk at a time,
/// so an export of thousands of conversations never sits whole in memory.</summary>
public sealed record ContributorExport(Guid ContributorId, string TermsVersion, Demographics Demographics, DateTimeOffset RegisteredAt,
    IAsyncEnumerable<ConversationDetail> Conversations);

/// <summary>A contributor's own view of what we hold: their conversations (newest first), one conversation, everything.</summary>
public static class MyConversationsEndpoints
{
    public const int MaxPageSize = 100;
    /// <summary>Conversations whose content is read (every revision's events) at once while exporting.</summary>
    public const int ExportChunk = 100;

    public static RouteGroupBuilder MapMyConversations(this RouteGroupBuilder group)
    {
        group.MapGet("/conversations", ListAsync).ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("My conversations, newest first");
        group.MapGet("/conversations/{id:guid}", GetAsync).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One of my conversations, with its content");
        group.MapGet("/me/export", ExportAsync).WithSummary("Everything held about me");
        return group;
    }

    static async Task<Results<Ok<ConversationPage>, ProblemHttpResult>> ListAsync(
        HttpContext http, IQuerySession session, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        var pageNumber = 1;
        var size = 20;
        if (page is not null && (!int.TryParse(page, out pageNumber) || pageNumber < 1 || pageNumber > 1_000_000))
            return Problems.BadRequest("page", "'page' must be a whole number from 1.");
        if (pageSize is not null && (!int.TryParse(pageSize, out size) || size < 1 || size > MaxPageSize))
            return Problems.BadRequest("pageSize", $"'pageSize' must be a whole number from 1 to {MaxPageSize}.");
        var contributor = ContributorAuthentication.Current(http);
        var results = await session.Query<ConversationState>()
            .Where(c => c.ContributorId == contributor.Id)
            .OrderByDescending(c => c.UpdatedAt)
            .ThenBy(c => c.Id)
            .ToPagedListAsync(pageNumber, size, cancellationToken);
        return TypedResults.Ok(new ConversationPage(results.Select(Summary).ToList(), pageNumber, size, results.TotalItemCount));
    }

    static async Task<Results<Ok<ConversationDetail>, ProblemHttpResult>> GetAsync(
        Guid id, HttpContext http, IQuerySession session, CancellationToken cancellationToken)
    {
        var contributor = ContributorAuthentication.Current(http);
        var state = await session.LoadAsync<ConversationState>(id, cancellationToken);
        if (state is null || state.ContributorId != contributor.Id) return Problems.NotFound("No such conversation.");
        return TypedResults.Ok(Detail(state, await ContentReader.ReadAsync(session, id, cancellationToken)));
    }

    static async Task<Results<Ok<ContributorExport>, ProblemHttpResult>> ExportAsync(
        HttpContext http, IQuerySession session, CancellationToken cancellationToken)
    {
        var current = ContributorAuthentication.Current(http);
        var contributor = await session.LoadAsync<Contributor>(current.Id, cancellationToken);
        if (contributor is null) return Problems.Unauthorized();
        var conversations = await session.Query<ConversationState>()
            .Where(c => c.ContributorId == current.Id)
            .OrderByDescending(c => c.UpdatedAt)
            .ToListAsync(cancellationToken);
        // Everything that can fail before the answer starts is done by now (a database down is still a 503).
        return TypedResults.Ok(new ContributorExport(contributor.Id, contributor.TermsVersion, contributor.Demographics,
            contributor.RegisteredAt, Details(session, conversations, cancellationToken)));
    }

    static async IAsyncEnumerable<ConversationDetail> Details(IQuerySession session, IReadOnlyList<ConversationState> conversations,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var chunk in conversations.Chunk(ExportChunk))
        {
            var contents = await ContentReader.ReadManyAsync(session, chunk.Select(c => c.Id).ToList(), cancellationToken);
            foreach (var state in chunk) yield return Detail(state, contents.GetValueOrDefault(state.Id) ?? ConversationContent.None);
        }
    }

    static ConversationSummary Summary(ConversationState s) => new(s.Id, s.ClientConversationId, CaptureDecisions.StatusName(s), s.Revision,
        s.Model, s.MessageCount, s.CapturedAt, s.UpdatedAt, s.IsDeletedOrDeleting ? null : s.PublishAt, s.PublishedAt, s.PublishedRevision);

    static ConversationDetail Detail(ConversationState s, ConversationContent content) => new(s.Id, s.ClientConversationId, CaptureDecisions.StatusName(s), s.Revision,
        s.Source, s.Model, s.PageUrl, s.Rating, s.Redacted, s.TermsVersion, s.IsDeletedOrDeleting ? [] : content.Turns, s.CapturedAt, s.UpdatedAt,
        s.IsDeletedOrDeleting ? null : s.PublishAt, s.PublishedAt, s.PublishedRevision, s.DeletedAt ?? s.DeletionRequestedAt);
}
