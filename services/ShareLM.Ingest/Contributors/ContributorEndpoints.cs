using Marten;
using Microsoft.AspNetCore.Http.HttpResults;
using ShareLM.Conversations;
using ShareLM.Ingest.Http;
using ShareLM.ServiceDefaults.Hosting;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Ingest.Contributors;

public sealed record RegisterContributor(string? TermsVersion, bool? AgeConfirmed, string? Age, string? Gender, string? Location);

public sealed record ContributorRegistered(Guid ContributorId, string Token);

public sealed record TokenRotated(string Token);

public sealed record AccountDeletion(Guid ContributorId, int ConversationsDeleted);

public static class ContributorEndpoints
{
    public const string RegistrationRateLimit = "registration";

    /// <summary>Registration is the one /v1 call without a token.</summary>
    public static RouteGroupBuilder MapRegistration(this RouteGroupBuilder group)
    {
        group.MapPost("/contributors", RegisterAsync).RequireRateLimiting(RegistrationRateLimit).AcceptsJson<RegisterContributor>()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithExamples(new RegisterContributor("2024-07", true, "25-34", "woman", "IL"),
                (StatusCodes.Status201Created, new ContributorRegistered(Guid.Parse("01938a4e-1111-7b9e-a3f0-5d2c8e9b1a47"), "slm_4f8b1c2e9a7d4e6b8c0a1f3e5d7b9c2a")))
            .WithSummary("Register: consent, optional demographics; answers the token once");
        return group;
    }

    public static RouteGroupBuilder MapContributor(this RouteGroupBuilder group)
    {
        group.MapPost("/me/token", RotateAsync).WithSummary("Rotate the token: the old one stops working at once");
        group.MapDelete("/me", DeleteAccountAsync).WithSummary("Delete the account and erase every conversation");
        return group;
    }

    static async Task<Results<Created<ContributorRegistered>, ProblemHttpResult>> RegisterAsync(
        HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (request, problem) = await StrictJson.ReadAsync<RegisterContributor>(http.Request, StrictJson.Api);
        if (problem is not null) return problem;
        if (TextRules.CheckRequired(request!.TermsVersion, 64, "termsVersion") is { } terms) return Problems.BadRequest("termsVersion", terms);
        if (request.AgeConfirmed != true) return Problems.BadRequest("ageConfirmed", "'ageConfirmed' must be true: contributors confirm they are at least 18.");
        if (TextRules.CheckOptional(request.Age, 32, "age") is { } age) return Problems.BadRequest("age", age);
        if (TextRules.CheckOptional(request.Gender, 64, "gender") is { } gender) return Problems.BadRequest("gender", gender);
        if (TextRules.CheckOptional(request.Location, 128, "location") is { } location) return Problems.BadRequest("location", location);
        var (demographics, field, vocabularyProblem) = DemographicVocabulary.Parse(request.Age, request.Gender, request.Location);
        if (demographics is null) return Problems.BadRequest(field!, vocabularyProblem!);

        var token = Tokens.Issue();
        var now = clock.GetUtcNow();
        var contributor = new Contributor
        {
            Id = Guid.CreateVersion7(),
            TokenHash = Tokens.Hash(token),
            TermsVersion = request.TermsVersion!,
            Demographics = demographics,
            RegisteredAt = now,
            TokenIssuedAt = now,
        };
        session.Insert(contributor);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/v1/me", new ContributorRegistered(contributor.Id, token));
    }

    static async Task<Results<Ok<TokenRotated>, ProblemHttpResult>> RotateAsync(
        HttpContext http, IDocumentSession session, TimeProvider clock, CancellationToken cancellationToken)
    {
        var current = ContributorAuthentication.Current(http);
        var contributor = await session.LoadAsync<Contributor>(current.Id, cancellationToken);
        if (contributor is null || contributor.TokenHash != current.TokenHash) return Problems.Unauthorized();
        var token = Tokens.Issue();
        contributor.TokenHash = Tokens.Hash(token);
        contributor.TokenIssuedAt = clock.GetUtcNow();
        session.Update(contributor);
        await session.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(new TokenRotated(token));
    }

    /// <summary>
    /// Deletes the account. First the account is marked as being deleted (its token stops working, and the writer
    /// refuses to create a conversation for it from then on: see ConversationWriter), then every conversation is
    /// withdrawn (and so erased), then the contributor record goes. The mark is committed before the listing, so a
    /// capture racing the deletion either commits first and is listed, or is refused.
    /// </summary>
    static async Task<Results<Accepted<AccountDeletion>, ProblemHttpResult>> DeleteAccountAsync(
        HttpContext http, IDocumentSession session, AccountDeletions deletions, TimeProvider clock, CancellationToken cancellationToken)
    {
        var current = ContributorAuthentication.Current(http);
        var contributor = await session.LoadAsync<Contributor>(current.Id, cancellationToken);
        if (contributor is null) return Problems.Unauthorized();
        if (contributor.DeletingSince is null)
        {
            contributor.DeletingSince = clock.GetUtcNow();
            contributor.TokenHash = $"deleting:{contributor.Id:N}"; // matches no token
            session.Update(contributor);
            await session.SaveChangesAsync(cancellationToken);
        }
        // From here on the token no longer works, so no later request could finish the job: it is not cut short when
        // the client goes away (and if this process dies, AccountDeletions finishes it).
        var deleted = await deletions.FinishAsync(current.Id, CancellationToken.None);
        return TypedResults.Accepted("/v1/me", new AccountDeletion(current.Id, deleted));
    }

    static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
