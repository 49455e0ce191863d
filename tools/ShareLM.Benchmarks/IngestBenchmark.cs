using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Benchmarks;

/// <summary>
/// Capture throughput and latency at a given concurrency, and in the same run the ceiling of the PostgreSQL
/// it uses: one-row durable insert transactions of the same size at the same concurrency. Then how long the
/// relay and Retention take to catch up with what was accepted.
/// </summary>
public static class IngestBenchmark
{
    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static async Task<object> RunAsync(BenchSettings settings)
    {
        var clients = Enumerable.Range(0, settings.Concurrency)
            .Select(_ => new HttpClient { BaseAddress = settings.Ingest, Timeout = TimeSpan.FromSeconds(30) }).ToArray();
        var tokens = new string[settings.Concurrency];
        for (var i = 0; i < tokens.Length; i++)
        {
            var response = await clients[i].PostAsJsonAsync("/v1/contributors", new { termsVersion = "bench", ageConfirmed = true });
            if (response.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"registration answered {(int)response.StatusCode}: start the stack with deploy/local/bench.sh (it raises the rate limits)");
            tokens[i] = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
        }

        var bodies = new ConcurrentBag<int>();
        var latencies = new ConcurrentBag<double>();
        var refused = 0;
        var acceptedInWarmUp = 0;
        // The services start cold (tiered JIT): in the first minute under this load they accept noticeably less
        // than afterwards, so the warm-up (60 s by default) lets them reach steady-state code before measuring;
        // what they accepted during it is reported beside the measured figures.
        Measure.Progress($"ingest: {settings.Concurrency} clients for {settings.Duration.TotalSeconds:0}s (after a {settings.WarmUp.TotalSeconds:0}s warm-up)");
        var warmUpEnds = DateTime.UtcNow + settings.WarmUp;
        var ends = warmUpEnds + settings.Duration;
        var cpu = Task.Run(async () =>
        {
            static Task Until(DateTime at) => Task.Delay(at - DateTime.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            await Until(warmUpEnds);
            var before = CpuUsage.Read(settings);
            await Until(ends);
            return (before, after: CpuUsage.Read(settings));
        });
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(async i =>
        {
            var random = new Random(i);
            var n = 0;
            while (DateTime.UtcNow < ends)
            {
                var body = new
                {
                    conversationId = $"bench-{Guid.NewGuid():N}-{n++}",
                    model = "bench-model",
                    messages = Corpus.Conversation(random).Select(t => new { role = t.Role, content = t.Content }).ToArray(),
                };
                var json = JsonSerializer.Serialize(body, Web);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/conversations") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens[i]);
                var started = Stopwatch.GetTimestamp();
                var response = await clients[i].SendAsync(request);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (DateTime.UtcNow < warmUpEnds)
                {
                    if (response.StatusCode == HttpStatusCode.Accepted) Interlocked.Increment(ref acceptedInWarmUp);
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    latencies.Add(elapsed);
                    bodies.Add(json.Length);
                }
                else Interlocked.Increment(ref refused);
            }
        }));
        var accepted = latencies.Count;
        var acceptedPerSecond = accepted / settings.Duration.TotalSeconds;
        var bodySize = bodies.IsEmpty ? 4000 : (int)bodies.Average();
        var (cpuBefore, cpuAfter) = await cpu;

        var catchUp = await CatchUpAsync(settings);
        var ceiling = await CeilingAsync(settings, bodySize);
        foreach (var c in clients) c.Dispose();
        return new
        {
            concurrency = settings.Concurrency,
            warm_up_s = settings.WarmUp.TotalSeconds,
            duration_s = settings.Duration.TotalSeconds,
            accepted,
            refused,
            accepted_per_s = Math.Round(acceptedPerSecond, 1),
            latency = Measure.Summary([.. latencies]),
            warm_up_accepted_per_s = Math.Round(acceptedInWarmUp / Math.Max(1, settings.WarmUp.TotalSeconds), 1),
            average_body_bytes = bodySize,
            // Where the measured window's CPU went: each part's share of one core (2 cores = 200%), and per accepted conversation.
            cpu_percent_of_one_core = CpuUsage.PercentOfOneCore(cpuBefore, cpuAfter),
            cpu_us_per_accepted = CpuUsage.MicrosecondsPer(cpuBefore, cpuAfter, accepted),
            relay_backlog_at_end_of_load = catchUp.RelayBacklog,
            // null: not caught up within three minutes
            relay_caught_up_after_s = double.IsNaN(catchUp.Relay) ? (double?)null : catchUp.Relay,
            holds_scheduled_after_s = double.IsNaN(catchUp.Holds) ? (double?)null : catchUp.Holds,
            postgres_ceiling = new { per_s = Math.Round(ceiling.PerSecond, 1), latency = ceiling.Latency },
            ratio_to_ceiling = Math.Round(acceptedPerSecond / Math.Max(1, ceiling.PerSecond), 3),
        };
    }

    /// <summary>
    /// How far behind the relay was when the load stopped (events appended but not yet published), and the seconds
    /// after the load until the relay has published everything and Retention has scheduled every hold. The relay's
    /// position is cheap to read and read first, so that the backlog is the one at the end of the load.
    /// </summary>
    static async Task<(long RelayBacklog, double Relay, double Holds)> CatchUpAsync(BenchSettings settings)
    {
        await using var db = NpgsqlDataSource.Create(settings.Postgres);
        var stopwatch = Stopwatch.StartNew();
        long backlog = -1;
        double relay = double.NaN, holds = double.NaN;
        while (stopwatch.Elapsed < TimeSpan.FromMinutes(3) && double.IsNaN(relay))
        {
            var progress = await DaemonProgress.ReadAsync(settings.Postgres, CancellationToken.None);
            var behind = progress.Behind(ShareLM.Ingest.Relay.EventRelay.SubscriptionName);
            if (backlog < 0) backlog = behind;
            if (behind <= 0) relay = Math.Round(stopwatch.Elapsed.TotalSeconds, 1);
            else await Task.Delay(100);
        }
        while (stopwatch.Elapsed < TimeSpan.FromMinutes(3) && double.IsNaN(holds))
        {
            await using var command = db.CreateCommand("""
                select (select count(*) from sharelm.mt_doc_conversationstate where data->>'status' = 'Held' and data->>'model' = 'bench-model')
                       - (select count(*) from scheduler.scheduled_messages)
                """);
            if ((long)(await command.ExecuteScalarAsync() ?? 0L) <= 0) holds = Math.Round(stopwatch.Elapsed.TotalSeconds, 1);
            else await Task.Delay(100);
        }
        return (backlog, relay, holds);
    }

    /// <summary>What PostgreSQL itself does with one-row durable insert transactions of the same size at the same concurrency.</summary>
    static async Task<(double PerSecond, object Latency)> CeilingAsync(BenchSettings settings, int bytes)
    {
        Measure.Progress($"ingest: PostgreSQL ceiling, one-row inserts of {bytes} bytes from {settings.Concurrency} connections");
        await using var db = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(settings.Postgres) { MaxPoolSize = settings.Concurrency + 4 }.ConnectionString).Build();
        await using (var setup = db.CreateCommand("create schema if not exists bench; drop table if exists bench.ceiling; create table bench.ceiling (id bigserial primary key, body jsonb not null)"))
            await setup.ExecuteNonQueryAsync();
        var payload = JsonSerializer.Serialize(new { text = Corpus.Text(new Random(7), Math.Max(10, bytes - 12)) });
        var latencies = new ConcurrentBag<double>();
        var warmUpEnds = DateTime.UtcNow.AddSeconds(3);
        var ends = warmUpEnds + settings.Duration;
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(async _ =>
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var insert = new NpgsqlCommand("insert into bench.ceiling (body) values ($1::jsonb)", connection);
            insert.Parameters.Add(new NpgsqlParameter { Value = payload });
            await insert.PrepareAsync();
            while (DateTime.UtcNow < ends)
            {
                var started = Stopwatch.GetTimestamp();
                await insert.ExecuteNonQueryAsync(); // autocommit: one durable transaction per row
                if (DateTime.UtcNow >= warmUpEnds) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }));
        await using (var cleanup = db.CreateCommand("drop schema bench cascade")) await cleanup.ExecuteNonQueryAsync();
        return (latencies.Count / settings.Duration.TotalSeconds, Measure.Summary([.. latencies]));
    }
}
