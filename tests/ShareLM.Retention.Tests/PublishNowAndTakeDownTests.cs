using System.Net;
using System.Net.Http.Json;
using MassTransit;

namespace ShareLM.Retention.Tests;

/// <summary>With a hold of ten minutes: what happens without waiting for it.</summary>
public sealed class PublishNowAndTakeDownTests(LongHoldFixture fixture) : IClassFixture<LongHoldFixture>
{
    [Fact]
    public async Task Publish_now_publishes_at_once_and_cancels_the_schedule()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = Lifecycle.IdOf(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("publish-now")));
        await Eventually.True(async () => await fixture.ScalarAsync("select count(*) from scheduler.scheduled_messages where token_id = $1", id) == 1,
            TimeSpan.FromSeconds(20), "the hold to be scheduled");
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{id}/publish")).StatusCode);
        var entry = await Eventually.Get(() => fixture.Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "publication");
        Assert.Equal("upsert", entry.Op);
        await Eventually.True(async () => await fixture.ScalarAsync("select count(*) from scheduler.scheduled_messages where token_id = $1", id) == 0,
            TimeSpan.FromSeconds(20), "the schedule to be cancelled");
        Assert.Contains("\"reason\": \"requested\"", (await fixture.EventsAsync(id)).Single(e => e.Type == "conversation_published").Data);
    }

    [Fact]
    public async Task Deleting_a_published_conversation_takes_it_down_and_erases_it_from_the_whole_database()
    {
        var marker = "MARKER" + Guid.NewGuid().ToString("N");
        var contributor = await fixture.Ingest.RegisterAsync(new { termsVersion = "2024-07", ageConfirmed = true, age = "33", gender = "other", location = "IL" });
        // The client's id for the conversation (a platform's own) and a correlation id it chose must go as well.
        var correlation = Guid.NewGuid().ToString("D");
        using var capture = new HttpRequestMessage(HttpMethod.Post, "/v1/conversations")
        {
            Content = JsonContent.Create(new
            {
                conversationId = $"erase-me-{marker}",
                pageUrl = $"https://chatgpt.com/c/{marker}",
                messages = new[] { new { role = "user", content = $"please remember {marker} for me" }, new { role = "assistant", content = $"I will remember {marker}." } },
            }),
        };
        capture.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", contributor.Token);
        capture.Headers.Add("baggage", $"correlation.id={correlation}");
        var captured = await fixture.Ingest.SendAsync(capture);
        Assert.Equal(HttpStatusCode.Accepted, captured.StatusCode);
        var id = Lifecycle.IdOf((await captured.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!);
        Assert.NotEmpty(await DatabaseScan.TablesContainingAsync(fixture.Environment, correlation)); // stored with the event, until the erasure
        await fixture.Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{id}/publish");
        await Eventually.Get(() => fixture.Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "publication");
        // A later send adds a turn: its event stores only that turn, and it must go as well.
        await fixture.Ingest.CaptureAsync(contributor, new
        {
            conversationId = $"erase-me-{marker}",
            pageUrl = $"https://chatgpt.com/c/{marker}",
            messages = new[]
            {
                new { role = "user", content = $"please remember {marker} for me" }, new { role = "assistant", content = $"I will remember {marker}." },
                new { role = "user", content = $"and {marker} once more" },
            },
        });
        Assert.Equal("conversation_extended", (await fixture.EventsAsync(id))[^1].Type);
        // Delete the account too: the contributor record goes with it.
        Assert.Equal(HttpStatusCode.Accepted, (await fixture.Ingest.SendAsync(contributor, HttpMethod.Delete, "/v1/me")).StatusCode);

        await fixture.WaitForEventAsync(id, "conversation_deleted", TimeSpan.FromSeconds(20));
        var entry = await Eventually.Get(async () => await fixture.Catalog.FeedEntryAsync(id) is { Op: "delete" } e ? e : null,
            TimeSpan.FromSeconds(20), "the take-down in the feed");
        Assert.Null(entry.Record);
        Assert.Equal(HttpStatusCode.Gone, (await fixture.Catalog.GetAsync($"/v1/records/{id}")).StatusCode);
        Assert.Contains("\"wasPublic\": true", (await fixture.EventsAsync(id)).Single(e => e.Type == "conversation_deleted").Data);

        foreach (var (what, text) in new[] { ("the marker", marker), ("the correlation id", correlation), ("the contributor id", contributor.Id.ToString("D")) })
        {
            await Eventually.True(async () => (await DatabaseScan.TablesContainingAsync(fixture.Environment, text)).Count == 0,
                TimeSpan.FromSeconds(20), $"{what} to leave every table");
            Assert.DoesNotContain(text, await DatabaseScan.DumpAsync(fixture.Environment));
        }
        // The stream still tells its story: ids, times, the deletion.
        Assert.Equal(["conversation_captured", "publication_requested", "conversation_published", "conversation_extended", "deletion_requested", "conversation_deleted"],
            (await fixture.EventsAsync(id)).Select(e => e.Type));
    }

    [Fact]
    public async Task An_erasure_stays_pending_while_an_older_transaction_holds_its_row_versions_and_settles_once_it_ends()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = Lifecycle.IdOf(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("vacuum-held")));
        long Pending() => fixture.ScalarAsync("select count(*) from retention.pending_vacuum where conversation_id = $1", id).GetAwaiter().GetResult();

        // A long transaction, as a snapshot export holds one: every row version it could see must stay for it.
        await using var holder = await fixture.Environment.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await using (var read = new Npgsql.NpgsqlCommand("select count(*) from sharelm.mt_events", holder, transaction)) await read.ExecuteScalarAsync();

        Assert.Equal(HttpStatusCode.Accepted, (await fixture.Ingest.SendAsync(contributor, HttpMethod.Delete, $"/v1/conversations/{id}")).StatusCode);
        await fixture.WaitForEventAsync(id, "conversation_deleted", TimeSpan.FromSeconds(20));
        Assert.Equal(1, Pending());
        // Several vacuums (one a second in the tests) run meanwhile; none can remove what the transaction still sees.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Equal(1, Pending());

        await transaction.RollbackAsync();
        await Eventually.True(() => Task.FromResult(Pending() == 0), TimeSpan.FromSeconds(30), "a vacuum that removed every old row version");
    }
}
