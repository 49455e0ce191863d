using ShareLM.Catalog.Search;

namespace ShareLM.Catalog.Tests;

/// <summary>An indexer that runs only when a test asks it to, as one far behind after a rebuild would look.</summary>
public sealed class IdleSearchIndexerFixture : CatalogFixture
{
    protected override IReadOnlyDictionary<string, string?> SettingsChanged => new Dictionary<string, string?>
    {
        ["Catalog:SearchIndexInterval"] = "01:00:00",
        ["Catalog:StatsRefreshInterval"] = "00:00:00",
    };
}

public sealed class SearchBacklogTests(IdleSearchIndexerFixture fixture) : IClassFixture<IdleSearchIndexerFixture>
{
    [Fact]
    public async Task A_search_says_how_many_records_it_cannot_find_yet_until_the_indexer_has_made_their_vectors()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var word = "backlogwombat" + Guid.NewGuid().ToString("N")[..6];
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("backlog", word));
        // Whatever the indexer did when it started, this record has no vector now, as after a rebuild.
        Assert.Equal(1, await fixture.ScalarAsync("with cleared as (update catalog.feed set search = null where conversation_id = $1 returning 1) select count(*) from cleared", id));

        var searching = await fixture.Catalog.GetStringAsync($"/conversations?q={word}");
        Assert.Empty(ExplorerTests.ResultIds(searching));
        Assert.Contains("1 public conversation cannot be found by its words yet", searching);
        // Filters do not need the vectors: the record is there, and no notice is given where it does not apply.
        var browsing = await fixture.Catalog.GetStringAsync("/conversations");
        Assert.Contains(id, ExplorerTests.ResultIds(browsing));
        Assert.DoesNotContain("cannot be found by", browsing);

        Assert.Equal(1, await fixture.Stack[Service.Catalog].GetRequiredService<SearchIndexer>().IndexBatchAsync(CancellationToken.None));
        Assert.Equal([id], ExplorerTests.ResultIds(await fixture.Catalog.GetStringAsync($"/conversations?q={word}")));
        // The count is served while it is made again, so the notice goes with the next count.
        await Eventually.True(async () => !(await fixture.Catalog.GetStringAsync($"/conversations?q={word}")).Contains("cannot be found by"),
            TimeSpan.FromSeconds(10), "the notice gone");
    }
}
