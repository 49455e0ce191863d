namespace ShareLM.Catalog.Tests;

/// <summary>The Catalog's projection keeps going after what stops a Marten daemon agent for good.</summary>
public sealed class ProjectionRecoveryTests(CatalogFixture fixture) : IClassFixture<CatalogFixture>
{
    [Fact]
    public async Task A_projection_stopped_by_a_progression_conflict_starts_again_on_the_leader()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        await fixture.PublishAsync(contributor, Clients.SimpleConversation("before-the-conflict"));

        // What a second Catalog does while both believe they lead (for a moment after a database restart): it moves the
        // projection's progression under this one's feet. The agent's next commit then finds the row changed, and Marten
        // stops the agent (not pauses it), which its leader never starts again by itself.
        Assert.Equal(1, await fixture.ScalarAsync(
            "with moved as (update sharelm.mt_event_progression set last_seq_id = last_seq_id - 1 where name = 'catalog:All' returning 1) select count(*) from moved"));

        // A publication after it reaches the feed all the same (PublishAsync waits for it there).
        await fixture.PublishAsync(contributor, Clients.SimpleConversation("after-the-conflict"));
    }
}
