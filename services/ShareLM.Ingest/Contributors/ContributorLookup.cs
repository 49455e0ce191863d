using System.Threading.Channels;
using Marten;

namespace ShareLM.Ingest.Contributors;

/// <summary>
/// Finds the contributor a token hash belongs to. Every authenticated request needs one, so the lookups of
/// concurrent requests are gathered into one query (<c>token_hash = any(…)</c>, on the unique index) rather
/// than one query each. Nothing is cached: a rotated or deleted token stops working at once on every instance.
/// </summary>
public sealed class ContributorLookup(IDocumentStore store) : BackgroundService
{
    /// <summary>Most lookups answered by one query.</summary>
    const int MaxBatch = 256;

    sealed record Lookup(string TokenHash, TaskCompletionSource<Contributor?> Found);

    readonly Channel<Lookup> _lookups = Channel.CreateBounded<Lookup>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait });

    public async Task<Contributor?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        var lookup = new Lookup(tokenHash, new TaskCompletionSource<Contributor?>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _lookups.Writer.WriteAsync(lookup, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new ShareLM.ServiceDefaults.Http.ServiceUnavailableException("The gateway is shutting down.");
        }
        return await lookup.Found.Task.WaitAsync(cancellationToken);
    }

    // Two loops: one query can be in flight while the next batch gathers.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(LookupLoopAsync, CancellationToken.None)));

    async Task LookupLoopAsync()
    {
        var reader = _lookups.Reader;
        var batch = new List<Lookup>(MaxBatch);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var next)) batch.Add(next);
            if (batch.Count == 0) continue;
            try
            {
                var hashes = batch.Select(l => l.TokenHash).Distinct().ToArray();
                await using var session = store.QuerySession();
                var found = (await session.Query<Contributor>().Where(c => c.TokenHash.IsOneOf(hashes)).ToListAsync())
                    .ToDictionary(c => c.TokenHash);
                foreach (var lookup in batch) lookup.Found.TrySetResult(found.GetValueOrDefault(lookup.TokenHash));
            }
            catch (Exception e)
            {
                foreach (var lookup in batch) lookup.Found.TrySetException(e);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _lookups.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }
}
