namespace ShareLM.Catalog.Tests;

/// <summary>The event store's daemon agents keep going after what stops a Marten agent for good.</summary>
public sealed class ProjectionRecoveryTests(CatalogFixture fixture) : IClassFixture<CatalogFixture>
{
    /// <param name="shard">The Catalog's projection, or Ingest's relay (a publish-now reaches Retention through it).</param>
    [Theory]
    [InlineData("catalog:All")]
    [InlineData("bus-relay:All")]
    public async Task An_agent_stopped_by_a_progression_conflict_starts_again_on_the_leader(string shard)
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        await fixture.PublishAsync(contributor, Clients.SimpleConversation($"before-the-conflict-{shard}"));

        // What a second instance does while both believe they lead (for a moment after a database restart): it moves the
        // agent's progression under its feet. The agent's next commit then finds the row changed, and Marten stops the
        // agent (not pauses it), which its leader never starts again by itself.
        Assert.Equal(1, await fixture.ScalarAsync(
            "with moved as (update sharelm.mt_event_progression set last_seq_id = last_seq_id - 1 where name = $1 returning 1) select count(*) from moved",
            shard));

        // Publications after it reach the feed all the same (PublishAsync waits for each there). Two: the relay sends
        // a page's messages before it fails to record its progress, so the first would pass even if it stayed stopped.
        await fixture.PublishAsync(contributor, Clients.SimpleConversation($"after-the-conflict-{shard}"));
        await fixture.PublishAsync(contributor, Clients.SimpleConversation($"later-still-{shard}"));
    }
}
