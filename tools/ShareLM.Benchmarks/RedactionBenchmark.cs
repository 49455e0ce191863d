using System.Diagnostics;
using System.Text;
using ShareLM.Ingest.Redaction;

namespace ShareLM.Benchmarks;

/// <summary>
/// Redaction of 1 MiB bodies made to be slow: repeated matches and near-matches of every kind (the shapes a hostile
/// client would send), each timed in-process (best of five) against 1 MiB of plain prose as the baseline of the
/// same run. Redaction must stay linear: every body well under 100 ms on this machine.
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
