using ShareLM.Catalog.Stats;

namespace ShareLM.Catalog.Tests;

public sealed class RefreshingCacheTests
{
    sealed class Source
    {
        public long Key;
        public int KeyReads, Computations;
        public TaskCompletionSource? Gate;

        public Task<long> ReadKey(CancellationToken _) { KeyReads++; return Task.FromResult(Key); }

        public async Task<string> Compute(long key, CancellationToken _)
        {
            Computations++;
            if (Gate is not null) await Gate.Task;
            return $"value@{key}";
        }
    }

    readonly FakeClock _clock = new();
    readonly Source _source = new();
    readonly RefreshingCache<long, string> _cache;

    public RefreshingCacheTests() => _cache = new(TimeSpan.FromSeconds(10), _clock);

    async Task<string> Get() => (await _cache.GetAsync(_source.ReadKey, _source.Compute, CancellationToken.None)).Value;

    [Fact]
    public async Task Within_the_interval_the_value_is_served_without_reading_the_key()
    {
        Assert.Equal("value@0", await Get());
        _source.Key = 1;
        _clock.Now += TimeSpan.FromSeconds(9);
        for (var i = 0; i < 100; i++) Assert.Equal("value@0", await Get());
        Assert.Equal((1, 1), (_source.KeyReads, _source.Computations));
    }

    [Fact]
    public async Task After_the_interval_an_unchanged_key_costs_a_key_read_and_no_computation()
    {
        await Get();
        _clock.Now += TimeSpan.FromSeconds(11);
        Assert.Equal("value@0", await Get());
        // The check renews the value's date in the background; from then on ten seconds need no key read.
        await Eventually.True(async () => (await _cache.GetAsync(_source.ReadKey, _source.Compute, CancellationToken.None)).CheckedAt == _clock.Now,
            TimeSpan.FromSeconds(5), "the value's date renewed");
        await Get();
        Assert.Equal((2, 1), (_source.KeyReads, _source.Computations));
    }

    [Fact]
    public async Task After_the_interval_a_moved_key_is_recomputed_once_while_callers_get_the_previous_value()
    {
        await Get();
        _source.Key = 7;
        _source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _clock.Now += TimeSpan.FromSeconds(11);
        // A burst while the recomputation is held up: all answered at once with the previous value.
        var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Get()));
        Assert.All(burst, value => Assert.Equal("value@0", value));
        await Eventually.True(() => Task.FromResult(_source.Computations == 2), TimeSpan.FromSeconds(5), "one recomputation started");
        _source.Gate.SetResult();
        await Eventually.True(async () => await Get() == "value@7", TimeSpan.FromSeconds(5), "the new value");
        Assert.Equal(2, _source.Computations);
    }

    [Fact]
    public async Task The_first_callers_wait_for_the_first_computation_and_share_it()
    {
        _source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var callers = Enumerable.Range(0, 5).Select(_ => Get()).ToArray();
        await Eventually.True(() => Task.FromResult(_source.Computations == 1), TimeSpan.FromSeconds(5), "the computation started");
        Assert.All(callers, c => Assert.False(c.IsCompleted));
        _source.Gate.SetResult();
        Assert.All(await Task.WhenAll(callers), value => Assert.Equal("value@0", value));
        Assert.Equal(1, _source.Computations);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_previous_value_and_is_tried_again_by_the_next_caller()
    {
        var (_, firstChecked) = await _cache.GetAsync(_source.ReadKey, _source.Compute, CancellationToken.None);
        _clock.Now += TimeSpan.FromSeconds(11);
        var failures = 0;
        Task<long> Down(CancellationToken _) { failures++; throw new TimeoutException("database down"); }
        var (value, checkedAt) = await _cache.GetAsync(Down, _source.Compute, CancellationToken.None);
        Assert.Equal(("value@0", firstChecked), (value, checkedAt));
        await Eventually.True(() => Task.FromResult(failures == 1), TimeSpan.FromSeconds(5), "the refresh to fail");
        _source.Key = 3;
        await Eventually.True(async () => await Get() == "value@3", TimeSpan.FromSeconds(5), "a later refresh to succeed");
    }
}
