using System.Net;
using System.Text;
using Xunit.Abstractions;

namespace ShareLM.EndToEnd.Tests;

/// <summary>
/// A corpus of malformed and hostile requests to every public endpoint. Each must get a 4xx problem
/// response (never a 5xx); afterwards every service is still healthy and nothing was written.
/// </summary>
public sealed class HostileInputTests(HostileFixture fixture, ITestOutputHelper output) : IClassFixture<HostileFixture>
{
    sealed record Probe(Service Target, HttpMethod Method, string Path, byte[]? Body, string? ContentType, string? Authorization, string Label)
    {
        /// <summary>A NUL in a header or in the decoded path breaks HTTP itself: the server (Kestrel) refuses the
        /// request with a bare 400 before any application code runs, as a proxy in front would.</summary>
        public bool BreaksHttp => (Authorization?.Contains('\0') ?? false) || Uri.UnescapeDataString(Path).Contains('\0');
    }

    static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    static IEnumerable<Probe> Corpus(string token, string othersId, string ownId)
    {
        var bearer = $"Bearer {token}";
        const string json = "application/json";
        var injections = new[]
        {
            "' OR '1'='1", "'; DROP TABLE sharelm.mt_events; --", "<script>alert(1)</script>", "../../../../etc/passwd", "%00", "${jndi:ldap://x/a}",
            "{{7*7}}", "%s%s%s%n", "\u0000", "\u202Eevil", "😀😀😀", "null", "undefined", "NaN", "1e309", "-0", "../../v1/feed",
        };

        // Broken, truncated and wrong-typed JSON to every body-taking endpoint.
        var bodies = new[]
        {
            "", "{", "}", "[", "{\"conversationId\":", "{\"conversationId\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]", "{'single':'quotes'}",
            "{\"a\":1,}", "{\"a\":1} trailing", "[]", "\"just a string\"", "42", "true", "null", "{\"messages\":{}}", "{\"messages\":[1,2,3]}",
            "{\"conversationId\":true,\"messages\":[]}", "{\"conversationId\":\"x\",\"messages\":[{\"role\":[],\"content\":{}}]}",
            "{\"conversationId\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"rating\":1.5}]}",
            "{\"conversationId\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"__proto__\":{\"admin\":true}}",
            "{\"conversationId\":\"x\",\"conversationId\":\"y\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            new string('[', 3000) + new string(']', 3000),
            "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 201),
            "{\"conversationId\":\"x\",\"messages\":[" + string.Join(",", Enumerable.Repeat("{\"role\":\"user\",\"content\":\"x\"}", 1500)) + "]}",
            "{\"conversationId\":\"" + new string('x', 5000) + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"conversationId\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"bad \\u0000 nul\"}]}",
            "{\"conversationId\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"\\ud800 lone\"}]}",
            "{\"conversationId\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"ctrl \\u0008\\u001b\"}]}",
        };
        foreach (var body in bodies)
        {
            yield return new Probe(Service.Ingest, HttpMethod.Post, "/v1/conversations", Utf8(body), json, bearer, "capture: " + Short(body));
            yield return new Probe(Service.Ingest, HttpMethod.Post, "/v1/contributors", Utf8(body), json, null, "register: " + Short(body));
            yield return new Probe(Service.Ingest, HttpMethod.Post, "/api/endpoint", Utf8(body), json, null, "legacy: " + Short(body));
            yield return new Probe(Service.Ingest, HttpMethod.Put, $"/v1/conversations/{ownId}/rating", Utf8(body), json, bearer, "rating: " + Short(body));
        }

        // Invalid UTF-8 and binary.
        foreach (var bytes in new[] { new byte[] { 0xC3, 0x28 }, new byte[] { 0xFF, 0xFE, 0x00, 0x7B }, Utf8("{\"conversationId\":\"").Concat(new byte[] { 0xED, 0xA0, 0x80 }).Concat(Utf8("\"}")).ToArray(), new byte[4096] })
        {
            yield return new Probe(Service.Ingest, HttpMethod.Post, "/v1/conversations", bytes, json, bearer, "invalid utf-8 capture");
            yield return new Probe(Service.Ingest, HttpMethod.Post, "/api/endpoint", bytes, json, null, "invalid utf-8 legacy");
        }

        // Huge bodies.
        var huge = Utf8("{\"conversationId\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('a', 2_000_000) + "\"}]}");
        yield return new Probe(Service.Ingest, HttpMethod.Post, "/v1/conversations", huge, json, bearer, "2 MB capture");
        yield return new Probe(Service.Ingest, HttpMethod.Post, "/api/endpoint", huge, json, null, "2 MB legacy");
        yield return new Probe(Service.Ingest, HttpMethod.Post, "/v1/contributors", huge, json, null, "2 MB registration");

        // Wrong content types.
        foreach (var type in new[] { "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/jsonx" })
        {
            yield return new Probe(Service.Ingest, HttpMethod.Post, "/v1/conversations", Utf8("{}"), type, bearer, "content type " + type);
            yield return new Probe(Service.Ingest, HttpMethod.Post, "/api/endpoint", Utf8("{}"), type, null, "legacy content type " + type);
        }
        yield return new Probe(Service.Ingest, HttpMethod.Post, "/v1/conversations", Utf8("{}"), null, bearer, "no content type");

        // Unknown fields and legacy shapes in the wrong place.
        foreach (var field in new[] { "admin", "contributorId", "status", "publishAt", "id", "revision", "deleted" })
            yield return new Probe(Service.Ingest, HttpMethod.Post, "/v1/conversations",
                Utf8($"{{\"conversationId\":\"x\",\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}],\"{field}\":1}}"), json, bearer, "unknown field " + field);

        // Tokens: missing, malformed, forged, in the wrong scheme.
        foreach (var auth in new[] { null, "", "Bearer", "Bearer ", "bearer " + token + "x", "Bearer " + token[..^1], "Basic " + token, "Bearer slm_" + new string('A', 43),
                     "Bearer " + new string('x', 5000), "Bearer ' OR 1=1 --", "Bearer \u0000", "Token " + token })
        {
            yield return new Probe(Service.Ingest, HttpMethod.Get, "/v1/conversations", null, null, auth, "auth " + Short(auth ?? "(none)"));
            yield return new Probe(Service.Ingest, HttpMethod.Post, "/v1/conversations", Utf8("{\"conversationId\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), json, auth, "auth capture " + Short(auth ?? "(none)"));
            yield return new Probe(Service.Ingest, HttpMethod.Delete, "/v1/me", null, null, auth, "auth delete me " + Short(auth ?? "(none)"));
        }

        // Another contributor's conversation, and ids that are not ids.
        foreach (var (method, suffix) in new[] { (HttpMethod.Get, ""), (HttpMethod.Delete, ""), (HttpMethod.Post, "/publish") })
            yield return new Probe(Service.Ingest, method, $"/v1/conversations/{othersId}{suffix}", null, null, bearer, $"other's conversation {method}{suffix}");
        yield return new Probe(Service.Ingest, HttpMethod.Put, $"/v1/conversations/{othersId}/rating", Utf8("{\"rating\":\"up\"}"), json, bearer, "other's rating");
        foreach (var injection in injections)
        {
            var escaped = Uri.EscapeDataString(injection);
            yield return new Probe(Service.Ingest, HttpMethod.Get, $"/v1/conversations/{escaped}", null, null, bearer, "id " + Short(injection));
            yield return new Probe(Service.Ingest, HttpMethod.Get, $"/v1/conversations?page={escaped}", null, null, bearer, "page " + Short(injection));
            yield return new Probe(Service.Catalog, HttpMethod.Get, $"/v1/records/{escaped}", null, null, null, "record " + Short(injection));
            yield return new Probe(Service.Catalog, HttpMethod.Get, $"/v1/feed?after={escaped}", null, null, null, "cursor " + Short(injection));
            yield return new Probe(Service.Catalog, HttpMethod.Get, $"/v1/feed?limit={escaped}", null, null, null, "limit " + Short(injection));
        }

        // Absurd cursors and limits.
        foreach (var query in new[] { "after=-1", "after=9223372036854775808", "after=1e10", "after=0x10", "after= 1", "limit=0", "limit=-1", "limit=1000000",
                     "limit=99999999999999999999", "limit=1.0", "after=1&after=2x", "limit=%00" })
            yield return new Probe(Service.Catalog, HttpMethod.Get, "/v1/feed?" + query, null, null, null, "feed " + query);

        // Methods and paths that do not exist.
        foreach (var (target, method, path) in new[]
                 {
                     (Service.Catalog, HttpMethod.Post, "/v1/feed"), (Service.Catalog, HttpMethod.Delete, $"/v1/records/{ownId}"), (Service.Catalog, HttpMethod.Put, "/v1/stats"),
                     (Service.Catalog, HttpMethod.Post, "/v1/dataset.jsonl"), (Service.Catalog, HttpMethod.Get, "/v1/dataset.csv"), (Service.Catalog, HttpMethod.Get, "/v2/feed"),
                     (Service.Ingest, HttpMethod.Patch, "/v1/conversations"), (Service.Ingest, HttpMethod.Get, "/api/endpoint"), (Service.Ingest, HttpMethod.Put, "/v1/contributors"),
                     (Service.Ingest, HttpMethod.Get, "/v1/../../etc/passwd"), (Service.Ingest, HttpMethod.Get, "/%2e%2e/%2e%2e/etc/passwd"),
                     (Service.Retention, HttpMethod.Post, "/health/ready"), (Service.Retention, HttpMethod.Get, "/v1/conversations"), (Service.Retention, HttpMethod.Delete, "/metrics"),
                 })
            yield return new Probe(target, method, path, null, null, null, $"{method} {path}");
    }

    static string Short(string s) => s.Length > 40 ? s[..40] + "…" : s;

    /// <summary>
    /// Bodies made to slow the redaction down: five messages of about 190,000 bytes each of repeated matches and
    /// near-matches (the review's `a@b.co ` and `1.1.1.1 ` took seconds each when every match was compared with every
    /// earlier one). Sent as a capture and, anonymously, as a legacy upload: each is answered, accepted or refused with
    /// a problem, never a 5xx, and its text is stored redacted. How long they take is measured by the benchmark
    /// (bench.sh redaction, a Release build): in a test run sharing the machine with every other test the figures are
    /// only reported.
    /// </summary>
    [Fact]
    public async Task Bodies_made_to_slow_redaction_are_answered_and_stored_redacted()
    {
        string[] units = ["a@b.co ", "1.1.1.1 ", "a@b ", "aaaaaaaaaa.", "+1 555 ", "DE89 3704 ", "1:", "ab:cd:", "sk-", "password=x ",
            "http://a:b@", "-----BEGIN RSA PRIVATE KEY-----", "５＠ｂ．", "a\u200b@", "555-1234 ", "4111 1111 "];
        var contributor = await fixture.Ingest.RegisterAsync();
        using var client = fixture.Stack[Service.Ingest].CreateClient();
        // Characters such as '+' and '＠' as themselves, not as \u escapes that would take the body past its limit.
        var json = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        // One large capture first, untimed: the first large body also pays for the server's warm-up.
        await fixture.Ingest.CaptureAsync(contributor, new { conversationId = "slow-warm-up", messages = new[] { new { role = "user", content = new string('w', 190_000) } } });
        var failed = new List<string>();
        foreach (var unit in units)
        {
            var content = new StringBuilder();
            var unitBytes = Encoding.UTF8.GetByteCount(unit);
            for (var bytes = 0; bytes + unitBytes < 190_000; bytes += unitBytes) content.Append(unit);
            var text = content.ToString();
            var messages = Enumerable.Range(0, 5).Select(i => new { role = i % 2 == 0 ? "user" : "assistant", content = text }).ToArray();
            foreach (var (label, path, body, auth) in new[]
            {
                ("capture", "/v1/conversations", System.Text.Json.JsonSerializer.Serialize(new { conversationId = $"slow-{units.ToList().IndexOf(unit)}", messages }, json), true),
                ("legacy", "/api/endpoint", System.Text.Json.JsonSerializer.Serialize(new { conversation_id = $"slow-{units.ToList().IndexOf(unit)}", user_id = "slow-redaction", bot_msgs = new[] { text, text }, user_msgs = new[] { text, text, text }, page_url = "https://example.hf.space/", user_metadata = new { } }, json), false),
            })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (auth) request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {contributor.Token}");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var response = await client.SendAsync(request);
                clock.Stop();
                var status = (int)response.StatusCode;
                output.WriteLine($"{label} of {Short(unit)} x {text.Length / unit.Length} x 5: {status} in {clock.ElapsedMilliseconds} ms");
                Assert.True(status is 202 or 200 or (>= 400 and < 500), $"{label} of '{unit}': {status}");
                if (status >= 500) failed.Add($"{label} of '{unit}': {status}");
            }
        }
        Assert.Empty(failed);
        // The first e-mail body, as stored: every address replaced.
        var stored = await fixture.ScalarTextAsync("select data->'turns'->0->>'content' from sharelm.mt_events where type = 'conversation_captured' and data->>'clientConversationId' = 'slow-0'");
        Assert.StartsWith("[EMAIL] [EMAIL] ", stored);
        Assert.DoesNotContain("@", stored);
    }

    [Fact]
    public async Task Hostile_requests_get_4xx_problems_and_change_nothing()
    {
        var contributor = await fixture.Ingest.RegisterAsync();
        var other = await fixture.Ingest.RegisterAsync();
        var ownId = (string)(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("own")))["id"]!;
        var othersId = (string)(await fixture.Ingest.CaptureAsync(other, Clients.SimpleConversation("theirs")))["id"]!;
        var events = await fixture.EventCountAsync();
        var contributors = await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_contributor");
        var states = await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_conversationstate");

        var corpus = Corpus(contributor.Token, othersId, ownId).ToList();
        Assert.True(corpus.Count >= 200, $"corpus has {corpus.Count} requests");
        var clients = new Dictionary<Service, HttpClient>
        {
            [Service.Ingest] = fixture.Stack[Service.Ingest].CreateClient(),
            [Service.Catalog] = fixture.Stack[Service.Catalog].CreateClient(),
            [Service.Retention] = fixture.Stack[Service.Retention].CreateClient(),
        };
        var failures = new List<string>();
        var slowest = 0.0;
        foreach (var probe in corpus)
        {
            using var request = new HttpRequestMessage(probe.Method, probe.Path);
            if (probe.Body is not null)
            {
                request.Content = new ByteArrayContent(probe.Body);
                if (probe.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", probe.ContentType);
            }
            if (probe.Authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", probe.Authorization);
            // Past the size limit the server answers 413 without reading the body; waiting for "100 Continue"
            // lets the client see that answer instead of a reset in the middle of its upload.
            if (probe.Body is { Length: > 1_000_000 }) request.Headers.ExpectContinue = true;
            HttpResponseMessage response;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                response = await clients[probe.Target].SendAsync(request);
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{probe.Label}: connection failed ({e.Message})");
                continue;
            }
            slowest = Math.Max(slowest, clock.Elapsed.TotalMilliseconds);
            var status = (int)response.StatusCode;
            var type = response.Content.Headers.ContentType?.MediaType;
            if (status is < 400 or >= 500) failures.Add($"{probe.Label}: {status}");
            else if (type != "application/problem+json" && !(probe.BreaksHttp && status == 400)) failures.Add($"{probe.Label}: {status} with {type ?? "no"} body");
        }
        // Timed by the benchmark (bench.sh redaction), on a Release build: here the figure is only reported.
        output.WriteLine($"{corpus.Count} hostile requests, {failures.Count} failures, slowest answered in {slowest:0} ms");
        foreach (var f in failures) output.WriteLine(f);
        Assert.Empty(failures);

        foreach (var (service, client) in clients)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(events, await fixture.EventCountAsync());
        Assert.Equal(contributors, await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_contributor"));
        Assert.Equal(states, await fixture.ScalarAsync("select count(*) from sharelm.mt_doc_conversationstate"));
        foreach (var client in clients.Values) client.Dispose();
    }
}
