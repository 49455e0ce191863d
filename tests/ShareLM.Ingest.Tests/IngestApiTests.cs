using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ShareLM.Conversations;

namespace ShareLM.Ingest.Tests;

/// <summary>Every /v1 endpoint and the legacy upload against real PostgreSQL and RabbitMQ.</summary>
public sealed class IngestApiTests(IngestOnlyFixture fixture) : IClassFixture<IngestOnlyFixture>
{
    HttpClient Ingest => fixture.Ingest;

    static async Task<JsonObject> Json(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    [Fact]
    public async Task Event_and_write_model_bodies_are_compressed_with_lz4()
    {
        await fixture.Ingest.RegisterAsync(); // the schema is up once the service answers
        Assert.Equal(2, await fixture.ScalarAsync("""
            select count(*) from pg_attribute a join pg_class k on k.oid = a.attrelid
            where k.relname in ('mt_events', 'mt_doc_conversationstate') and k.relnamespace = 'sharelm'::regnamespace
              and a.attname = 'data' and a.attcompression = 'l'
            """));
    }

    [Fact]
    public async Task Registration_answers_a_token_once_and_stores_only_its_hash()
    {
        var response = await Ingest.PostAsJsonAsync("/v1/contributors", new { termsVersion = "2024-07", ageConfirmed = true, location = "IL" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json(response);
        var token = (string)body["token"]!;
        Assert.StartsWith("slm_", token);
        Assert.Equal(43, token.Length - 4); // 256 bits, base64url
        Assert.Equal(0, await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_contributor where data::text like '%' || $1 || '%'", token));
        Assert.Equal(1, await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_contributor where id = $1", Guid.Parse((string)body["contributorId"]!)));
    }

    [Theory]
    [InlineData("{\"ageConfirmed\":true}", "termsVersion")]
    [InlineData("{\"termsVersion\":\"2024-07\"}", "ageConfirmed")]
    [InlineData("{\"termsVersion\":\"2024-07\",\"ageConfirmed\":false}", "ageConfirmed")]
    [InlineData("{\"termsVersion\":\"2024-07\",\"ageConfirmed\":true,\"nickname\":\"x\"}", "$")]
    [InlineData("{\"termsVersion\":\"2024-07\",\"ageConfirmed\":\"yes\"}", "$.ageConfirmed")]
    [InlineData("{\"termsVersion\":\"2024-07\",\"ageConfirmed\":true,\"age\":\"12\"}", "age")]
    [InlineData("{\"termsVersion\":\"2024-07\",\"ageConfirmed\":true,\"age\":\"born in 1990\"}", "age")]
    [InlineData("{\"termsVersion\":\"2024-07\",\"ageConfirmed\":true,\"gender\":\"Jane Doe\"}", "gender")]
    [InlineData("{\"termsVersion\":\"2024-07\",\"ageConfirmed\":true,\"location\":\"12 Main St, Springfield\"}", "location")]
    [InlineData("{\"termsVersion\":\"2024-07\",\"ageConfirmed\":true,\"location\":\"XX\"}", "location")]
    public async Task Registration_requires_consent(string body, string field)
    {
        var response = await Ingest.PostAsync("/v1/contributors", Clients.RawJson(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith(field, (string)(await Json(response))["field"]!);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer slm_forged0000000000000000000000000000000000000")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Calls_without_a_valid_token_are_refused(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/conversations");
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        var response = await Ingest.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Capture_is_accepted_held_and_identified_by_contributor_and_client_id()
    {
        var contributor = await Ingest.RegisterAsync();
        var before = fixture.IngestClock.GetUtcNow();
        var accepted = await Ingest.CaptureAsync(contributor, Clients.SimpleConversation("capture-1"));
        var id = Guid.Parse((string)accepted["id"]!);
        Assert.Equal(ConversationIds.ForContribution(contributor.Id, "capture-1"), id);
        Assert.Equal("held", (string)accepted["status"]!);
        var publishAt = DateTimeOffset.Parse((string)accepted["publishAt"]!);
        Assert.InRange(publishAt, before.AddMinutes(10).AddSeconds(-1), fixture.IngestClock.GetUtcNow().AddMinutes(10).AddSeconds(1));
        var events = await fixture.EventsAsync(id);
        Assert.Equal("conversation_captured", Assert.Single(events).Type);
        Assert.Contains("\"termsVersion\": \"2024-07\"", events[0].Data);
    }

    [Fact]
    public async Task An_identical_resend_changes_nothing_and_answers_the_same()
    {
        var contributor = await Ingest.RegisterAsync();
        var first = await Ingest.CaptureAsync(contributor, Clients.SimpleConversation("resend-1"));
        var second = await Ingest.CaptureAsync(contributor, Clients.SimpleConversation("resend-1"));
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
        Assert.Equal(1, await fixture.EventCountAsync(Guid.Parse((string)first["id"]!)));
    }

    [Fact]
    public async Task A_resend_with_new_turns_is_a_revision_that_restarts_the_hold()
    {
        var contributor = await Ingest.RegisterAsync();
        var first = await Ingest.CaptureAsync(contributor, Clients.Conversation("grow-1", ("user", "What is a monad?")));
        fixture.IngestClock.Advance(TimeSpan.FromSeconds(1));
        var second = await Ingest.CaptureAsync(contributor, Clients.Conversation("grow-1", ("user", "What is a monad?"), ("assistant", "A monoid in the category of endofunctors.")));
        Assert.Equal(first["id"]!.ToString(), second["id"]!.ToString());
        Assert.Equal(2, (int)second["revision"]!);
        Assert.True(DateTimeOffset.Parse((string)second["publishAt"]!) > DateTimeOffset.Parse((string)first["publishAt"]!));
        var events = await fixture.EventsAsync(Guid.Parse((string)first["id"]!));
        Assert.Equal(["conversation_captured", "conversation_extended"], events.Select(e => e.Type));
        // The revision stores only what it adds to the turns it keeps; the contributor still sees them all.
        Assert.Contains("A monoid", events[1].Data);
        Assert.DoesNotContain("What is a monad?", events[1].Data);
        var shown = await Json(await Ingest.SendAsync(contributor, HttpMethod.Get, $"/v1/conversations/{first["id"]}"));
        Assert.Equal(["What is a monad?", "A monoid in the category of endofunctors."],
            shown["messages"]!.AsArray().Select(m => (string)m!["content"]!));

        // A send that changes the first turn stores the whole conversation again.
        await Ingest.CaptureAsync(contributor, Clients.Conversation("grow-1", ("user", "What is a functor?"), ("assistant", "A map between categories.")));
        Assert.Equal("conversation_revised", (await fixture.EventsAsync(Guid.Parse((string)first["id"]!)))[^1].Type);
    }

    [Fact]
    public async Task Concurrent_sends_of_one_conversation_never_corrupt_its_stream()
    {
        var contributor = await Ingest.RegisterAsync();
        var sends = Enumerable.Range(1, 12).Select(n => Ingest.SendAsync(contributor, HttpMethod.Post, "/v1/conversations",
            Clients.Conversation("race-1", [.. Enumerable.Range(0, n).Select(i => ("user", $"turn number {i} of the race"))])));
        var responses = await Task.WhenAll(sends);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var id = ConversationIds.ForContribution(contributor.Id, "race-1");
        var events = await fixture.EventsAsync(id);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.Version));
        Assert.Equal("conversation_captured", events[0].Type);
        Assert.All(events.Skip(1), e => Assert.Equal("conversation_extended", e.Type));
        Assert.Equal(12, events.Count);
        // Whatever order they landed in, the stream folds to exactly the send that committed last.
        var messages = (await Json(await Ingest.SendAsync(contributor, HttpMethod.Get, $"/v1/conversations/{id}")))["messages"]!.AsArray();
        Assert.Equal(Enumerable.Range(0, messages.Count).Select(i => $"turn number {i} of the race"), messages.Select(m => (string)m!["content"]!));
    }

    [Fact]
    public async Task Another_contributors_conversation_does_not_exist_for_you()
    {
        var owner = await Ingest.RegisterAsync();
        var stranger = await Ingest.RegisterAsync();
        var id = (string)(await Ingest.CaptureAsync(owner, Clients.SimpleConversation("mine")))["id"]!;
        var before = await fixture.EventCountAsync();
        foreach (var (method, path, body) in new (HttpMethod, string, object?)[]
                 {
                     (HttpMethod.Get, $"/v1/conversations/{id}", null),
                     (HttpMethod.Put, $"/v1/conversations/{id}/rating", new { rating = "up" }),
                     (HttpMethod.Post, $"/v1/conversations/{id}/publish", null),
                     (HttpMethod.Delete, $"/v1/conversations/{id}", null),
                 })
        {
            var response = await Ingest.SendAsync(stranger, method, path, body);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
        Assert.Equal(before, await fixture.EventCountAsync());
        var list = await Json(await Ingest.SendAsync(stranger, HttpMethod.Get, "/v1/conversations"));
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task Ratings_are_a_revision_and_only_responses_can_be_rated()
    {
        var contributor = await Ingest.RegisterAsync();
        var id = (string)(await Ingest.CaptureAsync(contributor, Clients.SimpleConversation("rate-1")))["id"]!;
        var userTurn = await Ingest.SendAsync(contributor, HttpMethod.Put, $"/v1/conversations/{id}/rating", new { messages = new[] { new { index = 0, rating = 1 } } });
        Assert.Equal(HttpStatusCode.BadRequest, userTurn.StatusCode);
        Assert.Equal("messages[0].index", (string)(await Json(userTurn))["field"]!);
        var outOfRange = await Ingest.SendAsync(contributor, HttpMethod.Put, $"/v1/conversations/{id}/rating", new { messages = new[] { new { index = 1, rating = 5 } } });
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);

        var rated = await Ingest.SendAsync(contributor, HttpMethod.Put, $"/v1/conversations/{id}/rating", new { rating = "down", messages = new[] { new { index = 1, rating = -1 } } });
        Assert.Equal(HttpStatusCode.Accepted, rated.StatusCode);
        Assert.Equal(2, (int)(await Json(rated))["revision"]!);
        var again = await Ingest.SendAsync(contributor, HttpMethod.Put, $"/v1/conversations/{id}/rating", new { rating = "down", messages = new[] { new { index = 1, rating = -1 } } });
        Assert.Equal(2, (int)(await Json(again))["revision"]!);

        var detail = await Json(await Ingest.SendAsync(contributor, HttpMethod.Get, $"/v1/conversations/{id}"));
        Assert.Equal("down", (string)detail["rating"]!);
        Assert.Equal(-1, (int)detail["messages"]![1]!["rating"]!);
        Assert.Equal(["conversation_captured", "conversation_rated"], (await fixture.EventsAsync(Guid.Parse(id))).Select(e => e.Type));
    }

    [Fact]
    public async Task Publish_now_is_recorded_for_the_revision_it_names()
    {
        // That the conversation then becomes public is Retention's part: PublishNowAndTakeDownTests.
        var contributor = await Ingest.RegisterAsync();
        var id = (string)(await Ingest.CaptureAsync(contributor, Clients.SimpleConversation("now-1")))["id"]!;
        var response = await Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{id}/publish");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("publishing", (string)(await Json(response))["status"]!);
        var requested = (await fixture.EventsAsync(Guid.Parse(id)))[^1];
        Assert.Equal(("publication_requested", 2L), (requested.Type, requested.Version));
        Assert.Equal(1, (int)JsonNode.Parse(requested.Data)!["revision"]!);
    }

    [Fact]
    public async Task Deletion_is_idempotent_and_a_deleted_conversation_stays_deleted()
    {
        var contributor = await Ingest.RegisterAsync();
        var id = (string)(await Ingest.CaptureAsync(contributor, Clients.SimpleConversation("gone-1", "secret words")))["id"]!;
        Assert.Equal(HttpStatusCode.Accepted, (await Ingest.SendAsync(contributor, HttpMethod.Delete, $"/v1/conversations/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Ingest.SendAsync(contributor, HttpMethod.Delete, $"/v1/conversations/{id}")).StatusCode);
        Assert.Equal(["conversation_captured", "deletion_requested"], (await fixture.EventsAsync(Guid.Parse(id))).Select(e => e.Type));

        var resend = await Ingest.SendAsync(contributor, HttpMethod.Post, "/v1/conversations", Clients.SimpleConversation("gone-1", "secret words"));
        Assert.Equal(HttpStatusCode.Gone, resend.StatusCode);
        var detail = await Json(await Ingest.SendAsync(contributor, HttpMethod.Get, $"/v1/conversations/{id}"));
        Assert.Equal("deleted", (string)detail["status"]!);
        Assert.Empty(detail["messages"]!.AsArray());
        Assert.Equal(0, await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_conversationstate where data::text like '%secret words%'"));
    }

    [Fact]
    public async Task The_contributor_sees_their_conversations_newest_first_and_can_export_everything()
    {
        var contributor = await Ingest.RegisterAsync();
        for (var i = 1; i <= 3; i++) await Ingest.CaptureAsync(contributor, Clients.SimpleConversation($"list-{i}"));
        var page1 = await Json(await Ingest.SendAsync(contributor, HttpMethod.Get, "/v1/conversations?pageSize=2"));
        Assert.Equal(3, (int)page1["total"]!);
        Assert.Equal(["list-3", "list-2"], page1["items"]!.AsArray().Select(i => (string)i!["clientConversationId"]!));
        var page2 = await Json(await Ingest.SendAsync(contributor, HttpMethod.Get, "/v1/conversations?page=2&pageSize=2"));
        Assert.Equal("list-1", (string)page2["items"]![0]!["clientConversationId"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await Ingest.SendAsync(contributor, HttpMethod.Get, "/v1/conversations?pageSize=1000")).StatusCode);

        var export = await Json(await Ingest.SendAsync(contributor, HttpMethod.Get, "/v1/me/export"));
        Assert.Equal(contributor.Id.ToString(), (string)export["contributorId"]!);
        Assert.Equal("IL", (string)export["demographics"]!["location"]!);
        Assert.Equal(3, export["conversations"]!.AsArray().Count);
        Assert.All(export["conversations"]!.AsArray(), c => Assert.Equal("2024-07", (string)c!["termsVersion"]!));
    }

    [Fact]
    public async Task An_export_of_more_conversations_than_one_chunk_has_every_one_with_its_content()
    {
        var contributor = await Ingest.RegisterAsync();
        var count = MyConversations.MyConversationsEndpoints.ExportChunk * 2 + 7;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await Ingest.CaptureAsync(contributor, Clients.SimpleConversation($"export-{i}", $"marker {i}")));
        var conversations = (await Json(await Ingest.SendAsync(contributor, HttpMethod.Get, "/v1/me/export")))["conversations"]!.AsArray();
        Assert.Equal(count, conversations.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"export-{i}").Order(), conversations.Select(c => (string)c!["clientConversationId"]!).Order());
        Assert.All(conversations, c => Assert.EndsWith($"marker {((string)c!["clientConversationId"]!)["export-".Length..]}",
            (string)c!["messages"]![0]!["content"]!));
    }

    [Fact]
    public async Task Rotating_the_token_retires_the_old_one()
    {
        var contributor = await Ingest.RegisterAsync();
        var rotated = await Ingest.SendAsync(contributor, HttpMethod.Post, "/v1/me/token");
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var fresh = contributor with { Token = (string)(await Json(rotated))["token"]! };
        Assert.Equal(HttpStatusCode.Unauthorized, (await Ingest.SendAsync(contributor, HttpMethod.Get, "/v1/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Ingest.SendAsync(fresh, HttpMethod.Get, "/v1/conversations")).StatusCode);
    }

    [Fact]
    public async Task Deleting_the_account_withdraws_every_conversation_and_the_token()
    {
        var contributor = await Ingest.RegisterAsync();
        // More than the withdrawals sent at once, and one already withdrawn (not counted again).
        var ids = new List<Guid>();
        for (var i = 0; i < 70; i++) ids.Add(Guid.Parse((string)(await Ingest.CaptureAsync(contributor, Clients.SimpleConversation($"acct-{i}")))["id"]!));
        Assert.Equal(HttpStatusCode.Accepted, (await Ingest.SendAsync(contributor, HttpMethod.Delete, $"/v1/conversations/{ids[0]}")).StatusCode);
        var response = await Ingest.SendAsync(contributor, HttpMethod.Delete, "/v1/me");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(69, (int)(await Json(response))["conversationsDeleted"]!);
        foreach (var id in ids) Assert.Equal("deletion_requested", (await fixture.EventsAsync(id))[^1].Type);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Ingest.SendAsync(contributor, HttpMethod.Get, "/v1/conversations")).StatusCode);
        Assert.Equal(0, await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_contributor where id = $1", contributor.Id));
    }

    [Fact]
    public async Task No_capture_racing_the_account_deletion_outlives_it()
    {
        for (var round = 0; round < 3; round++)
        {
            var contributor = await Ingest.RegisterAsync();
            // Captures of new conversations keep arriving while the account is deleted: some authenticate before the
            // deletion and commit after it has listed the conversations.
            using var stop = new CancellationTokenSource();
            var accepted = new System.Collections.Concurrent.ConcurrentBag<Guid>();
            var senders = Enumerable.Range(0, 8).Select(s => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var response = await Ingest.SendAsync(contributor, HttpMethod.Post, "/v1/conversations", Clients.SimpleConversation($"race-{round}-{s}-{i}"));
                    if (response.StatusCode == HttpStatusCode.Accepted) accepted.Add(Guid.Parse((string)(await Json(response))["id"]!));
                    else if (response.StatusCode == HttpStatusCode.Unauthorized) return;
                }
            })).ToList();
            await Eventually.True(() => Task.FromResult(accepted.Count >= 20), TimeSpan.FromSeconds(30), "captures to flow");
            Assert.Equal(HttpStatusCode.Accepted, (await Ingest.SendAsync(contributor, HttpMethod.Delete, "/v1/me")).StatusCode);
            await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(30));
            stop.Cancel();
            // Every conversation the gateway accepted is being erased; none of the account is left held.
            foreach (var id in accepted) Assert.Equal("deletion_requested", (await fixture.EventsAsync(id))[^1].Type);
            Assert.Equal(0, await fixture.ScalarAsync(
                "select count(*) from sharelm.mt_doc_conversationstate where data->>'contributorId' = $1 and data->>'status' not in ('Deleting', 'Deleted')",
                contributor.Id.ToString()));
        }
    }

    [Fact]
    public async Task The_original_extensions_upload_is_accepted_and_not_duplicated()
    {
        var body = new
        {
            conversation_id = Guid.NewGuid().ToString(),
            user_msgs = new[] { "How do I bake bread?", "And without yeast?" },
            bot_msgs = new[] { "Mix flour, water, yeast and salt.", "Use baking soda." },
            page_url = "https://huggingface.co/chat/models/mistralai/Mistral-7B-Instruct-v0.3",
            user_id = Guid.NewGuid().ToString(),
            user_metadata = new { age = "40", gender = "m", location = "FR" },
            timestamp = "2024-05-03T10:11:12.345Z",
            conversation_metadata = new { message_ratings = new[] { 1, -1 }, rate = "thumbup" },
        };
        var first = await Ingest.PostAsJsonAsync("/api/endpoint", body);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var answer = await Json(first);
        Assert.False(string.IsNullOrEmpty((string)answer["message"]!));
        var id = Guid.Parse((string)answer["conversation_id"]!);
        var second = await Json(await Ingest.PostAsJsonAsync("/api/endpoint", body));
        Assert.Equal(id.ToString(), (string)second["conversation_id"]!);

        var events = await fixture.EventsAsync(id);
        var captured = JsonNode.Parse(Assert.Single(events).Data)!;
        Assert.Equal("sharelm-legacy-extension", (string)captured["source"]!);
        Assert.Equal("mistralai/Mistral-7B-Instruct-v0.3", (string)captured["model"]!);
        Assert.Equal("up", (string)captured["rating"]!);
        Assert.Equal(["user", "assistant", "user", "assistant"], captured["turns"]!.AsArray().Select(t => (string)t!["role"]!));
        Assert.Equal(-1, (int)captured["turns"]![3]!["rating"]!);
        // The original extension's free text, in the vocabularies.
        Assert.Equal("""{"age":"35-44","gender":"man","location":"FR"}""", captured["demographics"]!.ToJsonString());
        Assert.True(DateTimeOffset.Parse((string)captured["publishAt"]!) <= fixture.IngestClock.GetUtcNow(), "the test settings give legacy uploads no hold");

        // Its ids are its only credential: a re-send may add turns, never change those sent before.
        var rewritten = await Ingest.PostAsJsonAsync("/api/endpoint", body with { user_msgs = ["How do I bake a cake?", "And without yeast?"] });
        Assert.Equal(HttpStatusCode.Conflict, rewritten.StatusCode);
        Assert.Equal("application/problem+json", rewritten.Content.Headers.ContentType!.MediaType);
        var grown = await Ingest.PostAsJsonAsync("/api/endpoint", body with { user_msgs = [.. body.user_msgs, "And faster?"], bot_msgs = [.. body.bot_msgs, "Use a bread machine."] });
        Assert.Equal(HttpStatusCode.OK, grown.StatusCode);
        Assert.Equal(["conversation_captured", "conversation_extended"], (await fixture.EventsAsync(id)).Select(e => e.Type));
    }

    [Fact]
    public void Legacy_uploads_are_held_as_long_as_any_other_unless_configured()
    {
        Assert.Equal(TimeSpan.FromHours(24), new HoldOptions().LegacyHoldWindow);
    }

    [Fact]
    public async Task Nothing_planted_in_a_message_reaches_the_event_store()
    {
        var contributor = await Ingest.RegisterAsync();
        var secrets = new[] { "planted.person@example.org", "4111 1111 1111 1111", "GB29NWBK60161331926819", "+44 20 7946 0958", "192.168.77.12" };
        await Ingest.CaptureAsync(contributor, Clients.Conversation("redact-1",
            ("user", $"my mail {secrets[0]}, card {secrets[1]}, iban {secrets[2]}"),
            ("assistant", $"call {secrets[3]} from {secrets[4]}")));
        foreach (var secret in secrets)
        {
            Assert.Equal(0, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where data::text like '%' || $1 || '%'", secret));
            Assert.Equal(0, await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_conversationstate where data::text like '%' || $1 || '%'", secret));
        }
        Assert.Equal(1, await fixture.ScalarAsync("select count(*) from sharelm.mt_events where data::text like '%[CREDIT_CARD]%' and data::text like '%\"redacted\": true%'"));
    }

    [Fact]
    public async Task Browsers_from_an_allowed_origin_may_call()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v1/conversations");
        preflight.Headers.Add("Origin", "chrome-extension://sharelm");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        var response = await Ingest.SendAsync(preflight);
        Assert.Equal("chrome-extension://sharelm", response.Headers.GetValues("Access-Control-Allow-Origin").Single());

        using var other = new HttpRequestMessage(HttpMethod.Options, "/v1/conversations");
        other.Headers.Add("Origin", "https://evil.example");
        other.Headers.Add("Access-Control-Request-Method", "POST");
        Assert.False((await Ingest.SendAsync(other)).Headers.Contains("Access-Control-Allow-Origin"));
    }
}
