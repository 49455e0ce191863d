namespace ShareLM.Catalog.Stats;

/// <summary>
/// Keeps one value computed from a version key, so that an expensive aggregate is computed at most once per
/// interval however often it is asked for. Within the interval the value is served as it is, without
/// even looking at the key; after it, the key is read (cheap) and the value recomputed only if the key moved. One
/// computation runs at a time: callers arriving meanwhile, or after it failed, get the previous value (before the
/// first value exists, they wait for it). Computations are not cancelled by any one caller, since others may be waiting on them.
/// </summary>
public sealed class RefreshingCache<TKey, TValue>(TimeSpan interval, TimeProvider clock) where TKey : IEquatable<TKey>
{
    sealed record Entry(TKey Key, TValue Value, DateTimeOffset CheckedAt);

    readonly Lock _gate = new();
    Entry? _entry;
    Task<Entry>? _running;

    public async Task<(TValue Value, DateTimeOffset CheckedAt)> GetAsync(Func<CancellationToken, Task<TKey>> readKey,
        Func<TKey, CancellationToken, Task<TValue>> compute, CancellationToken cancellationToken)
    {
        var entry = Volatile.Read(ref _entry);
        if (entry is not null && clock.GetUtcNow() - entry.CheckedAt < interval) return (entry.Value, entry.CheckedAt);

        Task<Entry> running;
        lock (_gate)
        {
            if (_running is null || _running.IsCompleted) _running = RefreshAsync(entry, readKey, compute);
            running = _running;
        }
        if (entry is not null)
        {
            if (running.IsCompletedSuccessfully) return (running.Result.Value, running.Result.CheckedAt);
            // Nobody awaits this refresh: its failure (the database down) is observed here, and the next caller
            // after it tries again; meanwhile the previous value keeps being served, with its date.
            _ = running.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            return (entry.Value, entry.CheckedAt);
        }
        var fresh = await running.WaitAsync(cancellationToken);
        return (fresh.Value, fresh.CheckedAt);
    }

    async Task<Entry> RefreshAsync(Entry? previous, Func<CancellationToken, Task<TKey>> readKey,
        Func<TKey, CancellationToken, Task<TValue>> compute)
    {
        await Task.Yield(); // callers return the previous value at once instead of running the queries themselves
        var key = await readKey(CancellationToken.None);
        var checkedAt = clock.GetUtcNow();
        var entry = previous is not null && previous.Key.Equals(key)
            ? previous with { CheckedAt = checkedAt }
            : new Entry(key, await compute(key, CancellationToken.None), checkedAt);
        Volatile.Write(ref _entry, entry);
        return entry;
    }
}
