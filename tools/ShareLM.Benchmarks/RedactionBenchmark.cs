using System.Diagnostics;
using System.Text;
using ShareLM.Ingest.Redaction;

namespace ShareLM.Benchmarks;

/// <summary>
/// Redaction of 1 MiB bodies made to be slow: repeated matches and near-matches of every kind (the shapes a hostile
/// client would send), each timed in-process (best of five) against 1 MiB of plain prose as the baseline of the
/// same run. Redaction must stay linear: every body well under 100 ms on this machine. With the stack running, the
/// same shapes are also sent to the gateway (five messages of about 190,000 bytes each, as a capture and as a legacy
/// upload), timed end to end against a capture of the same size in plain prose: no answer may take a second.
/// </summary>
public static class RedactionBenchmark
{
    static readonly (string Name, string Unit)[] Bodies =
    [
        ("e-mail addresses", "a@b.co "), ("IPv4 addresses", "1.1.1.1 "), ("near e-mail", "a@b "), ("long local parts", "aaaaaaaaaa."),
        ("phone starts", "+1 555 "), ("IBAN shapes", "DE89 3704 "), ("colons", "1:"), ("MAC halves", "ab:cd:"), ("key prefixes", "sk-"),
        ("password assignments", "password=x "), ("URL credentials", "http://a:b@"), ("PEM headers", "-----BEGIN RSA PRIVATE KEY-----"),
        ("full-width", "５＠ｂ．"), ("zero-width", "a\u200b@"), ("short phones", "555-1234 "), ("card groups", "4111 1111 "),
    ];

    const string Prose = "The quick brown fox jumps over the lazy dog, as version 1.2 of the sentence says. ";

    public static async Task<object> RunAsync(BenchSettings? stack)
    {
        var inProcess = Run();
        if (stack is null) return new { in_process = inProcess };
        return new { in_process = inProcess, over_http = await OverHttpAsync(stack) };
    }

    static async Task<object> OverHttpAsync(BenchSettings stack)
    {
        using var http = new HttpClient { BaseAddress = stack.Ingest, Timeout = TimeSpan.FromSeconds(60) };
        var registered = await http.PostAsync("/v1/contributors", new StringContent("""{"termsVersion":"bench","ageConfirmed":true}""", Encoding.UTF8, "application/json"));
        registered.EnsureSuccessStatusCode();
        var token = System.Text.Json.JsonDocument.Parse(await registered.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();
        var json = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var run = Guid.NewGuid().ToString("N")[..8];
        async Task<(double Ms, int Status)> Send(string path, object body, bool authenticated)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body, json), Encoding.UTF8, "application/json") };
            if (authenticated) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var clock = Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            return (clock.Elapsed.TotalMilliseconds, (int)response.StatusCode);
        }
        async Task<(double Capture, double Legacy, int Status)> Both(string name, string unit)
        {
            var text = new StringBuilder();
            var unitBytes = Encoding.UTF8.GetByteCount(unit);
            for (var bytes = 0; bytes + unitBytes < 190_000; bytes += unitBytes) text.Append(unit);
            var content = text.ToString();
            var messages = Enumerable.Range(0, 5).Select(i => new { role = i % 2 == 0 ? "user" : "assistant", content }).ToArray();
            var capture = await Send("/v1/conversations", new { conversationId = $"bench-{run}-{name}", messages }, true);
            var legacy = await Send("/api/endpoint", new
            {
                conversation_id = $"bench-{run}-{name}", user_id = $"bench-{run}", user_msgs = new[] { content, content, content },
                bot_msgs = new[] { content, content }, page_url = "https://example.hf.space/", user_metadata = new { }
            }, false);
            return (capture.Ms, legacy.Ms, Math.Max(capture.Status, legacy.Status));
        }
        await Both("warm-up", Prose);
        var baseline = await Both("prose", Prose);
        var rows = new List<object>();
        var slowest = 0.0;
        foreach (var (name, unit) in Bodies)
        {
            var (capture, legacy, status) = await Both(name.Replace(' ', '-'), unit);
            slowest = Math.Max(slowest, Math.Max(capture, legacy));
            rows.Add(new { body = name, capture_ms = Math.Round(capture), legacy_ms = Math.Round(legacy), worst_status = status });
            Measure.Progress($"redaction over HTTP: {name,-22} capture {capture,6:0} ms, legacy {legacy,6:0} ms ({status})");
        }
        return new
        {
            prose_capture_ms = Math.Round(baseline.Capture), prose_legacy_ms = Math.Round(baseline.Legacy), slowest_ms = Math.Round(slowest),
            ratio_slowest_to_prose = Math.Round(slowest / Math.Max(baseline.Capture, baseline.Legacy), 2), target = "every answer under 1,000 ms", bodies = rows
        };
    }

    public static object Run()
    {
        var baseline = Time(Body(Prose));
        var rows = new List<object>();
        var worst = 0.0;
        foreach (var (name, unit) in Bodies)
        {
            var body = Body(unit);
            var (ms, spans) = Time(body);
            worst = Math.Max(worst, ms);
            rows.Add(new { body = name, unit, ms = Math.Round(ms, 1), ratio_to_prose = Math.Round(ms / baseline.Ms, 2), spans });
            Measure.Progress($"redaction: {name,-22} {ms,7:0.0} ms ({spans} spans)");
        }
        return new { body_bytes = 1 << 20, prose_ms = Math.Round(baseline.Ms, 1), worst_ms = Math.Round(worst, 1), bodies = rows };
    }

    static string Body(string unit)
    {
        var text = new StringBuilder(1 << 20);
        while (text.Length + unit.Length <= 1 << 20) text.Append(unit);
        return text.ToString();
    }

    static (double Ms, int Spans) Time(string body)
    {
        Redactor.Redact(body); // warm-up: the regexes' first use
        var best = double.MaxValue;
        var spans = 0;
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            spans = Redactor.Redact(body).Spans.Count;
            best = Math.Min(best, clock.Elapsed.TotalMilliseconds);
        }
        return (best, spans);
    }
}
