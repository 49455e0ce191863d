using System.Net;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using ShareLM.Catalog.Projection;

namespace ShareLM.Catalog.Tests;

/// <summary>The public dataset: feed, records, snapshots, stats, rebuilds.</summary>
public sealed class CatalogTests(CatalogFixture fixture) : IClassFixture<CatalogFixture>
{
    HttpClient Catalog => fixture.Catalog;

    [Fact]
    public async Task Publication_and_deletion_show_in_the_feed_and_only_once_public_conversations_leave_a_delete_entry()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("feed-public"));
        var published = (await Catalog.FeedEntryAsync(id))!;
        Assert.Equal("upsert", published.Op);

        var neverPublic = Guid.Parse((string)(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("feed-held")))["id"]!);
        await fixture.DeleteAsync(contributor, neverPublic);
        await fixture.DeleteAsync(contributor, id);
        var deleted = await Eventually.Get(async () => await Catalog.FeedEntryAsync(id) is { Op: "delete" } e ? e : null, TimeSpan.FromSeconds(20), "the delete entry");
        Assert.True(deleted.Cursor > published.Cursor);

        var feed = await Catalog.WholeFeedAsync();
        Assert.Single(feed, e => e.ConversationId == id);
        Assert.DoesNotContain(feed, e => e.ConversationId == neverPublic);
        Assert.Equal(feed.Select(e => e.Cursor).Order(), feed.Select(e => e.Cursor));
        Assert.Equal(feed.Count, feed.Select(e => e.Cursor).Distinct().Count());
        Assert.Equal(HttpStatusCode.Gone, (await Catalog.GetAsync($"/v1/records/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Catalog.GetAsync($"/v1/records/{neverPublic}")).StatusCode);
    }

    [Fact]
    public async Task The_catalog_tables_in_the_database_are_what_the_code_declares_so_a_restart_migrates_nothing()
    {
        // A declaration that Weasel reads back from PostgreSQL as different would be migrated (an index dropped and
        // made again over the whole feed) at every start.
        var options = new Marten.StoreOptions();
        CatalogSchema.Register(options);
        await using var connection = await fixture.Environment.OpenAsync();
        var tables = options.Storage.ExtendedSchemaObjects.OfType<Weasel.Postgresql.Tables.Table>().ToList();
        Assert.Equal(["catalog.feed", "catalog.store"], tables.Select(t => t.Identifier.QualifiedName).Order());
        foreach (var table in tables)
        {
            var delta = await table.FindDeltaAsync(connection);
            var migration = new StringWriter();
            if (delta.Difference != Weasel.Core.SchemaPatchDifference.None) delta.WriteUpdate(new Weasel.Postgresql.PostgresqlMigrator(), migration);
            Assert.True(delta.Difference == Weasel.Core.SchemaPatchDifference.None, $"{table.Identifier}: {delta.Difference}, would run:\n{migration}");
        }

        // And the comparison does read the partial index: another condition is a change.
        var feed = tables.Single(t => t.Identifier.Name == "feed");
        feed.Indexes.OfType<Weasel.Postgresql.Tables.IndexDefinition>().Single(i => i.Name == "feed_search_pending_idx").Predicate = "op = 'delete'";
        Assert.Equal(Weasel.Core.SchemaPatchDifference.Update, (await feed.FindDeltaAsync(connection)).Difference);
    }

    [Fact]
    public async Task The_feed_pages_and_says_where_to_continue()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        for (var i = 0; i < 3; i++) await fixture.PublishAsync(contributor, Clients.SimpleConversation($"page-{i}"));
        var first = await Catalog.FeedAsync(0, limit: 2);
        Assert.Equal(2, first.Entries.Count);
        Assert.Equal(first.Entries[^1].Cursor, first.NextCursor);
        var second = await Catalog.FeedAsync(first.NextCursor, limit: 2);
        Assert.All(second.Entries, e => Assert.True(e.Cursor > first.NextCursor));
        var end = await Catalog.FeedAsync(first.Head, limit: 10);
        Assert.Empty(end.Entries);
        Assert.Equal(first.Head, end.NextCursor);
    }

    [Theory]
    [InlineData("after=-1")]
    [InlineData("after=abc")]
    [InlineData("after=99999999999999999999999")]
    [InlineData("after=1.5")]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=x")]
    [InlineData("limit=-5")]
    public async Task Bad_cursors_and_limits_are_400(string query)
    {
        var response = await Catalog.GetAsync($"/v1/feed?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    static long CursorOf(HttpResponseMessage snapshot) => long.Parse(snapshot.Headers.GetValues("X-Feed-Cursor").Single());

    static async Task<Dictionary<Guid, string>> RecordsOf(HttpResponseMessage snapshot) =>
        (await snapshot.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject())
            .ToDictionary(r => Guid.Parse((string)r["conversation_id"]!), r => r.ToJsonString());

    /// <summary>What a mirror does: apply feed entries in order, on top of whatever it loaded first.</summary>
    static Dictionary<Guid, string> Apply(Dictionary<Guid, string> mirror, IEnumerable<FeedEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.Op == "upsert") mirror[entry.ConversationId] = entry.Record!.ToJsonString();
            else mirror.Remove(entry.ConversationId);
        }
        return mirror;
    }

    [Fact]
    public async Task A_mirror_that_loads_the_snapshot_and_follows_the_feed_from_its_cursor_equals_one_built_from_the_whole_feed()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var kept = await fixture.PublishAsync(contributor, Clients.SimpleConversation("mirror-kept"));
        var dropped = await fixture.PublishAsync(contributor, Clients.SimpleConversation("mirror-dropped"));
        await fixture.DeleteAsync(contributor, dropped);
        await Eventually.True(async () => (await Catalog.FeedEntryAsync(dropped))?.Op == "delete", TimeSpan.FromSeconds(20), "take-down");

        var response = await Catalog.GetAsync("/v1/dataset.jsonl");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var snapshot = await RecordsOf(response);
        Assert.DoesNotContain(dropped, snapshot.Keys); // taken down before the request: never in what is served
        await fixture.PublishAsync(contributor, Clients.SimpleConversation("mirror-later"));

        var fromScratch = Apply([], await Catalog.WholeFeedAsync());
        var cursor = CursorOf(response);
        var fromSnapshot = Apply(snapshot, (await Catalog.WholeFeedAsync()).Where(e => e.Cursor > cursor));
        Assert.Equal(fromScratch.Keys.Order(), fromSnapshot.Keys.Order());
        foreach (var (id, record) in fromScratch) Assert.Equal(record, fromSnapshot[id]);
        Assert.Contains(kept, fromSnapshot.Keys);
        Assert.DoesNotContain(dropped, fromSnapshot.Keys);
    }

    [Fact]
    public async Task A_snapshot_is_reused_until_it_is_older_than_the_interval_or_something_was_taken_down_since()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var first = await fixture.PublishAsync(contributor, Clients.SimpleConversation("cache-1"));
        var zero = await fixture.PublishAsync(contributor, Clients.SimpleConversation("cache-0"));
        await fixture.DeleteAsync(contributor, zero);
        await Eventually.True(async () => (await Catalog.FeedEntryAsync(zero))?.Op == "delete", TimeSpan.FromSeconds(20), "take-down");
        // The take-down forces a new snapshot, at the head.
        var a = await Catalog.GetAsync("/v1/dataset.jsonl");
        Assert.Equal((await Catalog.FeedAsync(0, 1)).Head, CursorOf(a));
        var b = await Catalog.GetAsync("/v1/dataset.jsonl");
        Assert.Equal(a.Headers.ETag, b.Headers.ETag);
        Assert.Equal(a.Content.Headers.LastModified, b.Content.Headers.LastModified);

        // A publication alone does not: the same snapshot is served, and the feed after its cursor has the rest.
        var second = await fixture.PublishAsync(contributor, Clients.SimpleConversation("cache-2"));
        var c = await Catalog.GetAsync("/v1/dataset.jsonl");
        Assert.Equal(a.Headers.ETag, c.Headers.ETag);
        Assert.DoesNotContain(second, (await RecordsOf(c)).Keys);
        Assert.Contains((await Catalog.FeedAsync(CursorOf(c))).Entries, e => e.ConversationId == second);

        // A take-down does, at once: nothing served after it holds the conversation.
        await fixture.DeleteAsync(contributor, first);
        await Eventually.True(async () => (await Catalog.FeedEntryAsync(first))?.Op == "delete", TimeSpan.FromSeconds(20), "take-down");
        var d = await Catalog.GetAsync("/v1/dataset.jsonl");
        Assert.NotEqual(a.Headers.ETag, d.Headers.ETag);
        Assert.DoesNotContain(first, (await RecordsOf(d)).Keys);
        Assert.Contains(second, (await RecordsOf(d)).Keys);

        // And so does age: once older than the interval, the next request makes a new one at the head.
        var later = await fixture.PublishAsync(contributor, Clients.SimpleConversation("cache-3"));
        var e = await Catalog.GetAsync("/v1/dataset.jsonl");
        Assert.Equal(d.Headers.ETag, e.Headers.ETag);
        var renewed = await Eventually.Get(async () =>
        {
            var response = await Catalog.GetAsync("/v1/dataset.jsonl");
            return Equals(response.Headers.ETag, d.Headers.ETag) ? null : response;
        }, CatalogFixture.SnapshotInterval * 2, "a snapshot older than the interval to be replaced");
        Assert.Contains(later, (await RecordsOf(renewed)).Keys);
    }

    [Fact]
    public async Task A_take_down_removes_every_snapshot_file_holding_the_conversation_even_if_no_snapshot_is_asked_for_again()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var marker = $"swept-{Guid.NewGuid():N}";
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("sweep-1", marker));
        var published = (await Catalog.FeedEntryAsync(id))!.Cursor;
        foreach (var format in new[] { "jsonl", "parquet" })
            await Eventually.True(async () => CursorOf(await Catalog.GetAsync($"/v1/dataset.{format}")) >= published,
                CatalogFixture.SnapshotInterval * 2, $"a {format} snapshot with the conversation");
        long CursorOfFile(string path) => long.Parse(Path.GetFileName(path).Split('-')[2].Split('.')[0]);
        string[] Snapshots() => Directory.GetFiles(fixture.SnapshotDirectory, "dataset-*");
        Assert.Contains(Snapshots(), f => f.EndsWith(".parquet") && CursorOfFile(f) >= published);
        Assert.Contains(Snapshots(), f => f.EndsWith(".jsonl") && File.ReadAllText(f).Contains(marker));

        await fixture.DeleteAsync(contributor, id);
        var takenDown = await Eventually.Get(async () => await Catalog.FeedEntryAsync(id) is { Op: "delete" } entry ? entry : null,
            TimeSpan.FromSeconds(20), "take-down");
        // No request for a snapshot from here on: the sweep alone removes every file made before the take-down.
        await Eventually.True(() => Task.FromResult(Snapshots().All(f => CursorOfFile(f) >= takenDown.Cursor)), TimeSpan.FromSeconds(30),
            "the snapshot files made before the take-down to be removed");
        Assert.DoesNotContain(Snapshots(), f => File.ReadAllText(f).Contains(marker));
    }

    [Fact]
    public async Task Take_downs_make_at_most_one_new_snapshot_per_interval_and_the_old_one_is_withheld_meanwhile()
    {
        var directory = Directory.CreateTempSubdirectory("sharelm-test-withheld-");
        try
        {
            await using var db = Npgsql.NpgsqlDataSource.Create(fixture.Environment.PostgresConnectionString);
            var clock = new ShiftedClock();
            var store = new ShareLM.Catalog.Snapshots.SnapshotStore(db, Microsoft.Extensions.Options.Options.Create(new ShareLM.Catalog.Options.CatalogOptions
            {
                SnapshotDirectory = directory.FullName,
                SnapshotInterval = TimeSpan.FromHours(2),
                SnapshotRebuildInterval = TimeSpan.FromHours(1),
            }), Microsoft.Extensions.Logging.Abstractions.NullLogger<ShareLM.Catalog.Snapshots.SnapshotStore>.Instance, clock);
            var contributor = await fixture.Ingest.RegisterAsync();
            var first = await fixture.PublishAsync(contributor, Clients.SimpleConversation("withheld-1", "withheld-1"));
            var second = await fixture.PublishAsync(contributor, Clients.SimpleConversation("withheld-2", "withheld-2"));
            var before = await store.GetAsync(ShareLM.Catalog.Snapshots.SnapshotFormat.Jsonl, CancellationToken.None);

            // Two take-downs in a row: the snapshot that holds them is not served, and no new one is made yet.
            foreach (var id in new[] { first, second })
            {
                await fixture.DeleteAsync(contributor, id);
                await Eventually.True(async () => await Catalog.FeedEntryAsync(id) is { Op: "delete" }, TimeSpan.FromSeconds(20), "the take-down");
            }
            var withheld = await Assert.ThrowsAsync<ShareLM.Catalog.Snapshots.SnapshotWithheldException>(
                () => store.GetAsync(ShareLM.Catalog.Snapshots.SnapshotFormat.Jsonl, CancellationToken.None));
            Assert.InRange(withheld.RetryAfter, TimeSpan.FromMinutes(55), TimeSpan.FromHours(1));
            Assert.True(Directory.GetFiles(directory.FullName, "dataset-*.jsonl").Length <= 1, "no new snapshot yet"); // the old one may be swept already
            // Asked again (the old file swept or not): still withheld, still not made.
            await Assert.ThrowsAsync<ShareLM.Catalog.Snapshots.SnapshotWithheldException>(
                () => store.GetAsync(ShareLM.Catalog.Snapshots.SnapshotFormat.Jsonl, CancellationToken.None));

            // Once the interval has passed, one new snapshot, past both take-downs.
            clock.Advance(TimeSpan.FromHours(1));
            var after = await store.GetAsync(ShareLM.Catalog.Snapshots.SnapshotFormat.Jsonl, CancellationToken.None);
            Assert.True(after.Cursor >= (await Catalog.FeedEntryAsync(second))!.Cursor, "made after the take-downs");
            Assert.NotEqual(before.Path, after.Path);
            Assert.DoesNotContain("withheld-1", await File.ReadAllTextAsync(after.Path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_feed_page_stops_at_its_byte_budget_and_a_larger_record_comes_alone()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var before = (await Catalog.FeedAsync(0, 1)).Head;
        var ids = new List<Guid>();
        foreach (var (name, size) in new[] { ("big-a", 25_000), ("big-b", 25_000), ("big-c", 25_000), ("huge", 150_000) })
        {
            ids.Add(await fixture.PublishAsync(contributor, new
            {
                conversationId = $"{name}-{Guid.NewGuid():N}",
                messages = new[] { new { role = "user", content = new string('x', size) }, new { role = "assistant", content = "ok" } },
            }));
        }
        var mine = (await Catalog.WholeFeedAsync()).Where(e => ids.Contains(e.ConversationId)).OrderBy(e => e.Cursor).ToList();
        Assert.Equal(4, mine.Count);
        // From just before the first: the first two fit in 64 KiB, the third does not.
        var page = await Catalog.FeedAsync(mine[0].Cursor - 1, 1000);
        Assert.Equal([mine[0].Cursor, mine[1].Cursor], page.Entries.Where(e => ids.Contains(e.ConversationId)).Select(e => e.Cursor));
        Assert.True(page.NextCursor >= mine[1].Cursor && page.NextCursor < mine[2].Cursor, $"next {page.NextCursor}");
        // A record larger than the budget is served alone, and the next page goes on after it.
        var alone = await Catalog.FeedAsync(mine[3].Cursor - 1, 1000);
        Assert.Equal(mine[3].Cursor, alone.Entries[0].Cursor);
        Assert.Equal(mine[3].Cursor, alone.NextCursor);
        Assert.True(before <= alone.Head);
    }

    [Fact]
    public async Task A_snapshot_file_made_from_another_store_is_never_served_and_is_swept_from_every_directory_used()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("other-store", "other-store"));
        var published = (await Catalog.FeedEntryAsync(id))!.Cursor;
        await Eventually.True(async () => CursorOf(await Catalog.GetAsync("/v1/dataset.jsonl")) >= published, CatalogFixture.SnapshotInterval * 2, "a snapshot");
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fixture.SnapshotDirectory));

        // Left by a store that was dropped and made again: its cursor is ahead of this store's, its file complete.
        var foreign = Path.Combine(fixture.SnapshotDirectory, $"dataset-{Guid.NewGuid():N}-{published + 1_000_000:D20}.jsonl");
        await File.WriteAllTextAsync(foreign, "{\"conversation_id\":\"from-another-database\"}\n");
        await File.WriteAllTextAsync(foreign + ".count", "1");
        // And one where snapshots were kept before they had a directory of their own.
        var legacy = Path.Combine(ShareLM.Catalog.Snapshots.SnapshotStore.LegacyDirectory, "0123456789abcdef", $"dataset-{published + 1_000_000:D20}.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(legacy)!);
        await File.WriteAllTextAsync(legacy, "{}\n");

        var served = await Catalog.GetAsync("/v1/dataset.jsonl");
        Assert.True(CursorOf(served) <= (await Catalog.FeedEntryAsync(id))!.Cursor + 1_000, "a snapshot of this store");
        Assert.DoesNotContain("from-another-database", await served.Content.ReadAsStringAsync());
        Assert.Equal("no-cache", served.Headers.CacheControl!.ToString());
        await Eventually.True(() => Task.FromResult(!File.Exists(foreign) && !File.Exists(foreign + ".count") && !File.Exists(legacy)),
            TimeSpan.FromSeconds(30), "the other store's files to be swept");
    }

    [Fact]
    public async Task The_parquet_snapshot_reads_back_with_the_schemas_nested_columns_in_duckdb()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, new
        {
            conversationId = "parquet-1",
            pageUrl = "https://claude.ai/chat/1",
            rating = "down",
            messages = new object[]
            {
                new { role = "system", content = "Be brief." },
                new { role = "user", content = "What is the boiling point of water at sea level in Celsius, please?" },
                new { role = "assistant", content = "100 degrees.", rating = -1 },
            },
        });
        // A parquet snapshot made earlier may be served for a while: wait for one that has this conversation.
        var published = (await Catalog.FeedEntryAsync(id))!.Cursor;
        var response = await Eventually.Get(async () =>
        {
            var candidate = await Catalog.GetAsync("/v1/dataset.parquet");
            Assert.Equal(HttpStatusCode.OK, candidate.StatusCode);
            return CursorOf(candidate) >= published ? candidate : null;
        }, CatalogFixture.SnapshotInterval * 2, "a parquet snapshot with the conversation");
        var cursor = response.Headers.GetValues("X-Feed-Cursor").Single();
        var path = Path.Combine(Path.GetTempPath(), $"sharelm-test-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());
        try
        {
            using var duck = new DuckDBConnection("Data Source=:memory:");
            duck.Open();
            var schema = Query(duck, $"DESCRIBE SELECT * FROM read_parquet('{path}')").ToDictionary(r => (string)r[0], r => (string)r[1]);
            Assert.Equal("VARCHAR", schema["conversation_id"]);
            Assert.Equal("STRUCT(\"content\" VARCHAR, \"role\" VARCHAR)[]", schema["conversation"]);
            Assert.Equal("VARCHAR", schema["model_name"]);
            Assert.Equal("VARCHAR", schema["user_id"]);
            Assert.Equal("VARCHAR", schema["timestamp"]);
            Assert.Equal("VARCHAR", schema["source"]);
            Assert.Equal("STRUCT(\"location\" VARCHAR, age VARCHAR, gender VARCHAR)", schema["user_metadata"]);
            Assert.Equal("STRUCT(rate VARCHAR, \"language\" VARCHAR, redacted VARCHAR, toxic VARCHAR, title VARCHAR, custom_instruction VARCHAR, status VARCHAR, message_ratings INTEGER[])",
                schema["conversation_metadata"]);
            var row = Query(duck, $"""
                SELECT conversation[1].role, conversation[3].content, model_name, conversation_metadata.rate,
                       conversation_metadata.message_ratings::varchar, len(conversation)
                FROM read_parquet('{path}') WHERE conversation_id = '{id}'
                """).Single();
            Assert.Equal("system", row[0]);
            Assert.Equal("100 degrees.", row[1]);
            Assert.Equal("claude", row[2]);
            Assert.Equal("thumbdown", row[3]);
            Assert.Equal("[-1]", row[4]);
            Assert.Equal(3L, Convert.ToInt64(row[5]));
            var metadata = Query(duck, $"SELECT key::varchar, value::varchar FROM parquet_kv_metadata('{path}')").ToDictionary(r => (string)r[0], r => (string)r[1]);
            Assert.Equal(cursor, metadata["sharelm.feed_cursor"]);
            var count = Convert.ToInt64(Query(duck, $"SELECT count(*) FROM read_parquet('{path}')").Single()[0]);
            Assert.Equal(long.Parse(response.Headers.GetValues("X-Record-Count").Single()), count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    static List<object[]> Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public async Task Pseudonyms_are_stable_per_contributor_and_never_the_contributor_id()
    {
        var alice = await fixture.Ingest.RegisterAsync();
        var bob = await fixture.Ingest.RegisterAsync();
        var a1 = await fixture.PublishAsync(alice, Clients.SimpleConversation("pseudo-a1"));
        var a2 = await fixture.PublishAsync(alice, Clients.SimpleConversation("pseudo-a2"));
        var b1 = await fixture.PublishAsync(bob, Clients.SimpleConversation("pseudo-b1"));
        string UserId(Guid id) => (string)(Catalog.FeedEntryAsync(id).GetAwaiter().GetResult()!.Record!["user_id"])!;
        Assert.Equal(UserId(a1), UserId(a2));
        Assert.NotEqual(UserId(a1), UserId(b1));
        var json = (await Catalog.FeedEntryAsync(a1))!.Record!.ToJsonString();
        Assert.DoesNotContain(alice.Id.ToString(), json);
        Assert.DoesNotContain(alice.Id.ToString("N"), json);
        Assert.DoesNotContain("pseudo-a1", json);          // the client's conversation id
        Assert.DoesNotContain("chatgpt.com/c/", json);     // the page URL
        Assert.DoesNotContain(alice.Token, json);
    }

    [Fact]
    public async Task Stats_and_the_dataset_card_describe_the_dataset()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        await fixture.PublishAsync(contributor, Clients.SimpleConversation("stats-1"));
        var stats = JsonNode.Parse(await Catalog.GetStringAsync("/v1/stats"))!.AsObject();
        var records = (long)stats["public_records"]!;
        Assert.True(records >= 1);
        Assert.Equal(records, stats["by_model"]!.AsObject().Sum(kv => (long)kv.Value!));
        Assert.True((long)stats["by_source"]!["sharelm-extension"]! >= 1);
        Assert.True((long)stats["by_language"]!["en"]! >= 1);
        Assert.Equal(records, stats["by_day"]!.AsObject().Sum(kv => (long)kv.Value!));
        Assert.True((long)stats["totals"]!["published"]! >= 1);
        Assert.True(DateTimeOffset.Parse((string)stats["as_of"]!) > DateTimeOffset.UtcNow.AddMinutes(-1));

        var card = await Catalog.GetStringAsync("/v1/dataset-card");
        Assert.StartsWith("---\n", card);
        Assert.Contains("dataset_info:", card);
        Assert.Contains("- name: conversation", card);
        Assert.Contains($"num_examples: {records}", card);
        Assert.Contains("## Deletions", card);
    }

    [Fact]
    public async Task Rebuilding_the_projection_from_scratch_yields_the_same_feed_content_above_the_old_head()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        await fixture.PublishAsync(contributor, Clients.SimpleConversation("rebuild-1"));
        var revised = await fixture.PublishAsync(contributor, Clients.Conversation("rebuild-2", ("user", "first text of this question here")));
        await fixture.Ingest.CaptureAsync(contributor, Clients.Conversation("rebuild-2", ("user", "first text of this question here"), ("assistant", "reply")));
        await fixture.Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{revised}/publish");
        await Eventually.True(async () => (await Catalog.FeedEntryAsync(revised))!.Record!["conversation"]!.AsArray().Count == 2, TimeSpan.FromSeconds(20), "republication");
        var gone = await fixture.PublishAsync(contributor, Clients.SimpleConversation("rebuild-3"));
        await fixture.DeleteAsync(contributor, gone);
        await Eventually.True(async () => (await Catalog.FeedEntryAsync(gone))?.Op == "delete", TimeSpan.FromSeconds(20), "take-down");

        var before = (await Catalog.WholeFeedAsync()).ToDictionary(e => e.ConversationId, e => (e.Op, Record: e.Record?.ToJsonString()));
        var oldHead = (await Catalog.FeedAsync(0, 1)).Head;

        var rebuild = fixture.Stack[Service.Catalog].GetRequiredService<CatalogRebuild>();
        var report = await rebuild.RunAsync(fromScratch: true, progress: null, CancellationToken.None);
        Assert.True(report.EventsProcessed >= await fixture.EventCountAsync() - 5);

        var after = await Catalog.WholeFeedAsync();
        Assert.All(after, e => Assert.True(e.Cursor > oldHead, "a rebuilt entry reused an old cursor"));
        Assert.Equal(before.Keys.Order(), after.Select(e => e.ConversationId).Order());
        foreach (var entry in after)
        {
            Assert.Equal(before[entry.ConversationId].Op, entry.Op);
            Assert.Equal(before[entry.ConversationId].Record, entry.Record?.ToJsonString());
        }

        // In place, with the services running: same content again; every record re-emitted above the head
        // (delete entries are final and keep their place: a mirror already applied them).
        var head = (await Catalog.FeedAsync(0, 1)).Head;
        await rebuild.RunAsync(fromScratch: false, progress: null, CancellationToken.None);
        var again = await Catalog.WholeFeedAsync();
        Assert.All(again.Where(e => e.Op == "upsert"), e => Assert.True(e.Cursor > head));
        Assert.Equal(before.Count, again.Count);
        foreach (var entry in again) Assert.Equal(before[entry.ConversationId].Record, entry.Record?.ToJsonString());
    }
}
