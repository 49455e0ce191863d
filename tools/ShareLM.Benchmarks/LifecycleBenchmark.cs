using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace ShareLM.Benchmarks;

/// <summary>
/// Lags along the lifecycle, at a steady modest rate: capture to scheduled (the event's commit to its row in
/// the scheduler table) and due to visible (the hold's end to the record in the Catalog feed). Needs a short
/// hold (deploy/local/bench.sh starts the stack with five seconds). The services have just been (re)started
/// and run cold under tiered JIT, so the same load runs through a warm-up first (the same length as the ingest
/// suite's, at most 20 s); the figures are for the conversations captured after it, and the warm-up's own
/// figures are reported beside them as <c>cold_start</c>.
/// </summary>
public static class LifecycleBenchmark
{
    public static async Task<object> RunAsync(BenchSettings settings, int perSecond = 20)
    {
        using var ingest = new HttpClient { BaseAddress = settings.Ingest };
        var registration = await ingest.PostAsJsonAsync("/v1/contributors", new { termsVersion = "bench", ageConfirmed = true });
        var token = (string)(await registration.Content.ReadFromJsonAsync<JsonObject>())!["token"]!;
        ingest.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        await using var db = NpgsqlDataSource.Create(settings.Postgres);

        var firstSeen = new ConcurrentDictionary<Guid, DateTime>();
        using var stopPolling = new CancellationTokenSource();
        var poller = Task.Run(async () =>
        {
            while (!stopPolling.IsCancellationRequested)
            {
                await using var command = db.CreateCommand("select token_id, scheduled_at from scheduler.scheduled_messages");
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) firstSeen.TryAdd(reader.GetGuid(0), reader.GetDateTime(1));
                try { await Task.Delay(100, stopPolling.Token); } catch (OperationCanceledException) { }
            }
        });

        var ids = new List<Guid>();
        var warmUpIds = new List<Guid>();
        var random = new Random(11);
        TimeSpan? hold = null;
        var warmUp = TimeSpan.FromSeconds(Math.Min(20, settings.WarmUp.TotalSeconds));
        Measure.Progress($"lifecycle: {perSecond} captures/s for {settings.Duration.TotalSeconds:0}s (after a {warmUp.TotalSeconds:0}s warm-up)");
        var warmUpEnds = DateTime.UtcNow + warmUp;
        var ends = warmUpEnds + settings.Duration;
        while (DateTime.UtcNow < ends)
        {
            var measured = DateTime.UtcNow >= warmUpEnds;
            var tick = DateTime.UtcNow;
            for (var i = 0; i < perSecond; i++)
            {
                var response = await ingest.PostAsJsonAsync("/v1/conversations", new
                {
                    conversationId = $"lifecycle-{Guid.NewGuid():N}",
                    messages = Corpus.Conversation(random, 2, 4).Select(t => new { role = t.Role, content = t.Content }).ToArray(),
                });
                var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                (measured ? ids : warmUpIds).Add(Guid.Parse((string)answer["id"]!));
                hold ??= DateTimeOffset.Parse((string)answer["publishAt"]!) - DateTimeOffset.UtcNow;
            }
            var left = TimeSpan.FromSeconds(1) - (DateTime.UtcNow - tick);
            if (left > TimeSpan.Zero) await Task.Delay(left);
        }
        if (hold > TimeSpan.FromMinutes(2))
        {
            stopPolling.Cancel();
            await poller;
            return new { skipped = $"the hold is {hold}: start the stack with deploy/local/bench.sh (a 5 s hold)" };
        }

        Measure.Progress("lifecycle: waiting for every conversation to be published");
        var deadline = DateTime.UtcNow + hold!.Value + TimeSpan.FromMinutes(1);
        long visible = 0;
        while (DateTime.UtcNow < deadline)
        {
            await using var count = db.CreateCommand("select count(*) from catalog.feed where conversation_id = any($1) and op = 'upsert'");
            count.Parameters.Add(new NpgsqlParameter { Value = ids.Concat(warmUpIds).ToArray() });
            visible = (long)(await count.ExecuteScalarAsync())! - warmUpIds.Count;
            if (visible == ids.Count) break;
            await Task.Delay(500);
        }
        stopPolling.Cancel();
        await poller;

        var (captureToScheduled, dueToVisible) = await LagsAsync(db, ids, firstSeen);
        var (coldCaptureToScheduled, coldDueToVisible) = await LagsAsync(db, warmUpIds, firstSeen);
        return new
        {
            conversations = ids.Count,
            hold_s = Math.Round(hold.Value.TotalSeconds, 1),
            published = visible,
            capture_to_scheduled = Measure.Summary(captureToScheduled),
            due_to_visible = Measure.Summary(dueToVisible),
            cold_start = new
            {
                warm_up_s = warmUp.TotalSeconds,
                conversations = warmUpIds.Count,
                capture_to_scheduled = Measure.Summary(coldCaptureToScheduled),
                due_to_visible = Measure.Summary(coldDueToVisible),
            },
        };
    }

    static async Task<(List<double> CaptureToScheduled, List<double> DueToVisible)> LagsAsync(NpgsqlDataSource db, List<Guid> ids,
        ConcurrentDictionary<Guid, DateTime> firstSeen)
    {
        var captureToScheduled = new List<double>();
        var dueToVisible = new List<double>();
        await using var command = db.CreateCommand("""
            select e.stream_id, e.timestamp, (e.data->>'publishAt')::timestamptz, f.changed_at
            from sharelm.mt_events e left join catalog.feed f on f.conversation_id = e.stream_id and f.op = 'upsert'
            where e.stream_id = any($1) and e.type = 'conversation_captured'
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetGuid(0);
            var captured = reader.GetDateTime(1);
            var due = reader.GetDateTime(2);
            if (firstSeen.TryGetValue(id, out var scheduled)) captureToScheduled.Add((scheduled - captured).TotalMilliseconds);
            if (!reader.IsDBNull(3)) dueToVisible.Add((reader.GetDateTime(3) - due).TotalMilliseconds);
        }
        return (captureToScheduled, dueToVisible);
    }
}
