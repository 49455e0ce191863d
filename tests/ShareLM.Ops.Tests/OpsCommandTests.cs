using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Parquet.Serialization;
using ShareLM.Conversations;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Ops.Tests;

/// <summary>Each operator command, run as its own process against real PostgreSQL and RabbitMQ and the running services.</summary>
public sealed class OpsCommandTests(OpsFixture fixture) : IClassFixture<OpsFixture>
{
    [Fact]
    public async Task Status_reports_the_event_store_projections_queues_schedules_and_conversations()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("status-held"));
        await Eventually.True(async () => await fixture.ScalarAsync("select count(*) from scheduler.scheduled_messages") > 0, TimeSpan.FromSeconds(20), "a schedule");
        var result = await fixture.RunAsync("status", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        var status = JsonNode.Parse(result.Output)!.AsObject();
        Assert.Equal(await fixture.ScalarAsync("select coalesce(max(seq_id), 0) from sharelm.mt_events"), (long)status["eventStoreHead"]!);
        var projections = status["projections"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        Assert.Contains(projections, n => n.StartsWith("catalog", StringComparison.Ordinal));
        Assert.Contains(projections, n => n.StartsWith("bus-relay", StringComparison.Ordinal));
        var queues = status["queues"]!.AsArray();
        Assert.Contains(queues, q => (string)q!["name"]! == QueueNames.Holds && (long)q["consumers"]! == 1);
        Assert.Equal(await fixture.ScalarAsync("select count(*) from scheduler.scheduled_messages"), (long)status["schedules"]!["pending"]!);
        Assert.Equal(await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_conversationstate where data->>'status' = 'Held'"),
            (long)status["conversations"]!["held"]!);

        var plain = await fixture.RunAsync("status");
        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("event store head", plain.Output);
    }

    [Fact]
    public async Task Takedown_erases_announces_and_shows_masked_in_the_stream()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var marker = "TAKEDOWN" + Guid.NewGuid().ToString("N")[..8];
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("takedown-1", marker));
        var before = await fixture.RunAsync("streams", "show", id.ToString());
        Assert.Equal(0, before.ExitCode);
        Assert.Contains("conversation_captured", before.Output);
        Assert.Contains(marker, before.Output);

        var result = await fixture.RunAsync("conversations", "takedown", id.ToString(), "--reason", "abuse report #12");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("erased", result.Output);
        var entry = await Eventually.Get(async () => await fixture.Catalog.FeedEntryAsync(id) is { Op: "delete" } e ? e : null, TimeSpan.FromSeconds(20), "take-down in the feed");
        Assert.Null(entry.Record);
        var after = await fixture.RunAsync("streams", "show", id.ToString(), "--json");
        Assert.DoesNotContain(marker, after.Output);
        Assert.Contains("\"erased\":true", after.Output.Replace(" ", ""));
        Assert.Contains("\"requestedBy\":\"operator\"", after.Output.Replace(" ", ""));
        Assert.Contains("abuse report #12", after.Output);

        Assert.Equal(1, (await fixture.RunAsync("conversations", "takedown", Guid.NewGuid().ToString(), "--reason", "x")).ExitCode);
        Assert.NotEqual(0, (await fixture.RunAsync("conversations", "takedown", id.ToString())).ExitCode); // --reason is required
    }

    [Fact]
    public async Task A_republish_is_absorbed_without_duplicates_in_the_feed()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("republish-1"));
        var feedBefore = (await fixture.Catalog.WholeFeedAsync()).Select(e => (e.ConversationId, e.Cursor, e.Op)).ToList();
        var head = await fixture.ScalarAsync("select max(seq_id) from sharelm.mt_events");

        var one = await fixture.RunAsync("streams", "republish", id.ToString());
        Assert.True(one.ExitCode == 0, one.Error);
        Assert.Contains("republished 3 messages", one.Output); // captured, publication requested, published
        var range = await fixture.RunAsync("streams", "republish", "--from-sequence", "1", "--to-sequence", head.ToString());
        Assert.True(range.ExitCode == 0, range.Error);

        foreach (var queue in new[] { "sharelm-retention-holds", "sharelm-retention-publication", "sharelm-retention-erasure" })
            await Broker.WaitDrainedAsync(fixture.Environment, queue, TimeSpan.FromSeconds(30));
        Assert.Equal(1, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where stream_id = $1 and type = 'conversation_published'", id));
        Assert.Equal(feedBefore, (await fixture.Catalog.WholeFeedAsync()).Select(e => (e.ConversationId, e.Cursor, e.Op)).Where(e => feedBefore.Any(b => b.ConversationId == e.ConversationId)).ToList());
    }

    [Fact]
    public async Task A_rebuild_while_writes_continue_ends_consistent_with_the_streams()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var published = new List<Guid>();
        for (var i = 0; i < 5; i++) published.Add(await fixture.PublishAsync(contributor, Clients.SimpleConversation($"rebuild-live-{i}")));

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var id = Guid.Parse((string)(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation($"during-{n}", $"written during the rebuild {n}")))["id"]!);
                await fixture.Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{id}/publish");
                lock (published) published.Add(id);
                // Revise an earlier one too, so the rebuild races a change of a public record.
                await fixture.Ingest.CaptureAsync(contributor, Clients.Conversation("rebuild-live-0", ("user", $"revised during the rebuild {n}")));
                n++;
            }
        });
        var result = await fixture.RunAsync("projections", "rebuild");
        stop.Cancel();
        await writer;
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Matches(@"catalog rebuilt: [\d,]+ events \([\d,]+ applied\) in", result.Output);

        await fixture.Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{published[0]}/publish");
        var lastText = (string)JsonNode.Parse(await (await fixture.Ingest.SendAsync(contributor, HttpMethod.Get, $"/v1/conversations/{published[0]}")).Content.ReadAsStringAsync())!["messages"]![0]!["content"]!;
        await Eventually.True(async () =>
        {
            var feed = await fixture.Catalog.WholeFeedAsync();
            List<Guid> ids;
            lock (published) ids = [.. published];
            return ids.All(id => feed.Any(e => e.ConversationId == id && e.Op == "upsert"))
                   && (string?)feed.Single(e => e.ConversationId == published[0]).Record!["conversation"]![0]!["content"] == lastText;
        }, TimeSpan.FromSeconds(30), "the feed to match the streams");
        var final = await fixture.Catalog.WholeFeedAsync();
        Assert.Equal(final.Count, final.Select(e => e.ConversationId).Distinct().Count());
    }

    [Fact]
    public async Task Every_import_format_round_trips_into_the_feed_and_a_second_import_adds_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("sharelm-import-");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var files = new (string Format, string Path, string Source, string Model, string[] Roles)[]
        {
            ("sharelm", Write(dir, "sharelm.jsonl", $$$"""{"conversation_id":"s-{{{tag}}}","conversation":[{"content":"Hello from the ShareLM dataset {{{tag}}}","role":"user"},{"content":"Hi!","role":"assistant"}],"model_name":"llama-2-70b","user_id":"u1","timestamp":"2024-05-03T10:11:12Z","source":"plugin","user_metadata":{"location":"","age":"","gender":""},"conversation_metadata":{"rate":"thumbup","language":"en","redacted":"False","toxic":"","title":"","custom_instruction":"","status":""}}"""),
                "sharelm", "llama-2-70b", ["user", "assistant"]),
            ("openai", Write(dir, "openai.jsonl", $$"""{"id":"o-{{tag}}","model":"gpt-4o","messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Tell me a joke {{tag}}"},{"role":"assistant","content":"Why did the chicken cross the road?"}]}"""),
                "openai-chat", "gpt-4o", ["system", "user", "assistant"]),
            ("sharegpt", WriteGzip(dir, "sharegpt.jsonl.gz", $$"""{"id":"g-{{tag}}","conversations":[{"from":"human","value":"Summarise the news {{tag}}"},{"from":"gpt","value":"Here is the summary."}]}"""),
                "sharegpt", "unknown", ["user", "assistant"]),
            ("lmsys", Write(dir, "lmsys.jsonl", $$"""{"conversation_id":"l-{{tag}}","model":"vicuna-13b","conversation":[{"role":"user","content":"What is the capital of Peru? {{tag}}"},{"role":"assistant","content":"Lima."}],"turn":1,"language":"English","openai_moderation":[{"flagged":false},{"flagged":false}],"redacted":false}"""),
                "lmsys-chat-1m", "vicuna-13b", ["user", "assistant"]),
            ("wildchat", await WriteParquetAsync(dir, "wildchat.parquet", tag),
                "wildchat-1m", "gpt-3.5-turbo", ["user", "assistant"]),
            ("hh-rlhf", Write(dir, "hh.jsonl", $$"""{"chosen":"\n\nHuman: How do I make tea? {{tag}}\n\nAssistant: Boil water and steep the leaves.","rejected":"\n\nHuman: How do I make tea? {{tag}}\n\nAssistant: No."}"""),
                "anthropic-hh-rlhf", "unknown", ["user", "assistant"]),
        };
        foreach (var (format, path, source, model, roles) in files)
        {
            var result = await fixture.RunAsync("import", format, path);
            Assert.True(result.ExitCode == 0, result.Output + result.Error);
            Assert.Contains("imported 1, skipped as duplicate 0, rejected 0", result.Output);
            var entry = await Eventually.Get(async () => (await fixture.Catalog.WholeFeedAsync())
                    .FirstOrDefault(e => e.Op == "upsert" && e.Record!["conversation"]!.ToJsonString().Contains(tag) && (string)e.Record["source"]! == source),
                TimeSpan.FromSeconds(20), $"the {format} record in the feed");
            Assert.Equal(model, (string)entry.Record!["model_name"]!);
            Assert.Equal(roles, entry.Record["conversation"]!.AsArray().Select(t => (string)t!["role"]!));

            var again = await fixture.RunAsync("import", format, path);
            Assert.Contains("imported 0, skipped as duplicate 1, rejected 0", again.Output);
        }
    }

    [Fact]
    public async Task An_import_of_several_batches_imports_every_row_once()
    {
        // More rows than one batch (5,000): every batch after the first reuses pooled connections, and a
        // session left behind by a batch (such as Marten's bulk-insert temporary table) must not break the next.
        var dir = Directory.CreateTempSubdirectory("sharelm-import-");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var path = Write(dir, "many.jsonl", [.. Enumerable.Range(0, 12_000).Select(i =>
            $$"""{"id":"m-{{tag}}-{{i}}","messages":[{"role":"user","content":"question {{i}} {{tag}}"},{"role":"assistant","content":"answer {{i}}"}]}""")]);
        var result = await fixture.RunAsync("import", "openai", path);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("imported 12,000, skipped as duplicate 0, rejected 0 of 12,000 rows", result.Output);

        var again = await fixture.RunAsync("import", "openai", path);
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        Assert.Contains("imported 0, skipped as duplicate 12,000, rejected 0 of 12,000 rows", again.Output);
    }

    [Fact]
    public async Task An_import_cut_short_between_its_tables_is_completed_by_running_it_again()
    {
        // 11,000 rows in three batches, of which the second repeats 1,000 ids of the first, written just before it.
        var dir = Directory.CreateTempSubdirectory("sharelm-import-");
        var tag = Guid.NewGuid().ToString("N")[..8];
        string Row(int i) => $$"""{"id":"cut-{{tag}}-{{i}}","messages":[{"role":"user","content":"question {{i}} {{tag}}"},{"role":"assistant","content":"answer {{i}}"}]}""";
        var path = Write(dir, "cut.jsonl", [.. Enumerable.Range(0, 11_000).Select(i => Row(i is >= 5_000 and < 6_000 ? i - 5_000 : i))]);
        var first = await fixture.RunAsync("import", "openai", path);
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        Assert.Contains("imported 10,000, skipped as duplicate 1,000, rejected 0 of 11,000 rows", first.Output);

        // What a crash between the two tables leaves: write models whose streams never landed, and streams
        // whose write models never did.
        Guid Id(int i) => ConversationIds.ForImport("openai-chat", $"cut-{tag}-{i}");
        Guid[] noStream = [.. Enumerable.Range(7_000, 40).Select(Id)], noState = [.. Enumerable.Range(9_000, 60).Select(Id)];
        await fixture.ScalarAsync("with gone as (delete from sharelm.mt_streams where id = any($1) returning 1) select count(*) from gone", noStream);
        await fixture.ScalarAsync("with gone as (delete from sharelm.mt_doc_conversationstate where id = any($1) returning 1) select count(*) from gone", noState);

        var again = await fixture.RunAsync("import", "openai", path);
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        Assert.Contains("imported 40, skipped as duplicate 10,960, rejected 0 of 11,000 rows", again.Output);
        Guid[] all = [.. Enumerable.Range(0, 11_000).Select(Id).Distinct()];
        Assert.Equal(10_000, await fixture.ScalarAsync("select count(*) from sharelm.mt_streams where id = any($1)", all));
        Assert.Equal(10_000, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where stream_id = any($1)", all));
        Assert.Equal(10_000, await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_conversationstate where id = any($1) and data->>'status' = 'Published'", all));
    }

    [Fact]
    public async Task A_file_with_broken_rows_finishes_with_the_right_counts_and_a_rejects_file()
    {
        var dir = Directory.CreateTempSubdirectory("sharelm-import-");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var lines = new[]
        {
            $$"""{"id":"ok-1-{{tag}}","conversations":[{"from":"human","value":"first good row"},{"from":"gpt","value":"yes"}]}""",
            """{"id":"broken", "conversations": [""",
            $$"""{"id":"ok-2-{{tag}}","conversations":[{"from":"human","value":"second good row"},{"from":"gpt","value":"yes"}]}""",
            """{"id":"no-turns","conversations":[]}""",
            """["not", "an", "object"]""",
            $$"""{"id":"ok-1-{{tag}}","conversations":[{"from":"human","value":"first good row"},{"from":"gpt","value":"yes"}]}""",
            """{"id":"bad-role","conversations":[{"from":"wizard","value":"abracadabra"}]}""",
        };
        var path = Write(dir, "broken.jsonl", lines);
        var rejects = Path.Combine(dir.FullName, "rejects.jsonl");
        var result = await fixture.RunAsync("import", "sharegpt", path, "--rejects", rejects);
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("imported 2, skipped as duplicate 1, rejected 4 of 7 rows", result.Output);
        var rejected = (await File.ReadAllLinesAsync(rejects)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal([2L, 4L, 5L, 7L], rejected.Select(r => (long)r["line"]!));
        Assert.All(rejected, r => Assert.False(string.IsNullOrEmpty((string?)r["reason"])));
        Assert.Contains("wizard", (string)rejected[3]["reason"]!);
    }

    [Fact]
    public async Task Usage_errors_are_reported_without_touching_anything()
    {
        Assert.NotEqual(0, (await fixture.RunAsync("import", "nonsense-format", "/nowhere")).ExitCode);
        Assert.NotEqual(0, (await fixture.RunAsync("streams", "republish")).ExitCode);
        Assert.NotEqual(0, (await fixture.RunAsync("projections", "rebuild", "no-such-projection")).ExitCode);
        var help = await fixture.RunAsync("--help");
        Assert.Contains("projections", help.Output);
        Assert.Contains("import", help.Output);
    }

    static string Write(DirectoryInfo dir, string name, params string[] lines)
    {
        var path = Path.Combine(dir.FullName, name);
        File.WriteAllLines(path, lines, new UTF8Encoding(false));
        return path;
    }

    static string WriteGzip(DirectoryInfo dir, string name, params string[] lines)
    {
        var path = Path.Combine(dir.FullName, name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip, new UTF8Encoding(false));
        foreach (var line in lines) writer.WriteLine(line);
        return path;
    }

    static async Task<string> WriteParquetAsync(DirectoryInfo dir, string name, string tag)
    {
        var path = Path.Combine(dir.FullName, name);
        var rows = new List<WildChatRow>
        {
            new()
            {
                ConversationHash = "w-" + tag, Model = "gpt-3.5-turbo", Language = "English", Toxic = false, Redacted = false, Country = "Chile",
                Conversation = [new() { Role = "user", Content = $"Write a haiku about rain {tag}" }, new() { Role = "assistant", Content = "Soft rain on the roof" }],
            },
        };
        await ParquetSerializer.SerializeAsync(rows, path);
        return path;
    }

    public sealed class WildChatTurn
    {
        [JsonPropertyName("role")] public string Role { get; set; } = "";
        [JsonPropertyName("content")] public string Content { get; set; } = "";
    }

    public sealed class WildChatRow
    {
        [JsonPropertyName("conversation_hash")] public string ConversationHash { get; set; } = "";
        [JsonPropertyName("model")] public string Model { get; set; } = "";
        [JsonPropertyName("conversation")] public List<WildChatTurn> Conversation { get; set; } = [];
        [JsonPropertyName("language")] public string Language { get; set; } = "";
        [JsonPropertyName("toxic")] public bool Toxic { get; set; }
        [JsonPropertyName("redacted")] public bool Redacted { get; set; }
        [JsonPropertyName("country")] public string Country { get; set; } = "";
    }
}
