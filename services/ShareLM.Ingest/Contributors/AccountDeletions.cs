using Marten;
using Microsoft.Extensions.Options;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Deletion;
using ShareLM.Ingest.Options;
using ShareLM.Ingest.Streams;

namespace ShareLM.Ingest.Contributors;

/// <summary>
/// Carries out an account deletion once the account is marked (<see cref="Contributor.DeletingSince"/>): every
/// conversation of it withdrawn (and so erased), then the contributor record deleted. <c>DELETE /v1/me</c> does it at
/// once; since the mark retires the token, no later request could finish a deletion cut short by a crash, so this
/// service also looks every <see cref="IngestOptions.AccountDeletionSweepInterval"/> for accounts marked longer ago
/// than that and finishes them. Withdrawing twice changes nothing, so finishing twice is harmless.
/// </summary>
public sealed class AccountDeletions(IDocumentStore store, ConversationWriter writer, TimeProvider clock, IOptions<IngestOptions> settings,
    ILogger<AccountDeletions> logger) : BackgroundService
{
    const int Parallelism = 64;

    /// <summary>Withdraws every conversation of the account and deletes its record; answers how many were withdrawn now.</summary>
    public async Task<int> FinishAsync(Guid contributorId, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var ids = await session.Query<ConversationState>()
            .Where(c => c.ContributorId == contributorId)
            .Select(c => c.Id)
            .ToListAsync(cancellationToken);
        var withdrawn = 0;
        // Many at once, so that the writer commits them in a few group commits rather than one after another.
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                var result = await writer.WriteAsync(id, DeletionDecisions.Withdraw(contributorId, Vocabulary.DeletedWithAccount), ct);
                if (result.Decision is Decision.Append) Interlocked.Increment(ref withdrawn);
            });
        session.Delete<Contributor>(contributorId);
        await session.SaveChangesAsync(cancellationToken);
        return withdrawn;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = settings.Value.AccountDeletionSweepInterval;
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var cutoff = clock.GetUtcNow() - interval;
                List<Guid> stuck;
                await using (var query = store.QuerySession())
                {
                    stuck = [.. await query.Query<Contributor>().Where(c => c.DeletingSince != null && c.DeletingSince < cutoff).Select(c => c.Id).ToListAsync(stoppingToken)];
                }
                foreach (var id in stuck)
                {
                    var withdrawn = await FinishAsync(id, stoppingToken);
                    logger.LogWarning("Finished the deletion of account {ContributorId}, left unfinished: {Withdrawn} conversations withdrawn now", id, withdrawn);
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Looking for unfinished account deletions failed; will look again");
            }
        }
    }
}
