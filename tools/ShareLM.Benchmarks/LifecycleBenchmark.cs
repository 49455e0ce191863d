using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace ShareLM.Benchmarks;

/// <summary>
/// Lags along the lifecycle, at a steady modest rate: capture to scheduled (the event's commit to its row in
/// the scheduler table) and due to visible (the hold's end to the record in the Catalog feed). Needs a short
/// hold (deploy/local/bench.sh starts the stack with five seconds).
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
        var random = new Random(11);
        TimeSpan? hold = null;
        Measure.Progress($"lifecycle: {perSecond} captures/s for {settings.Duration.TotalSeconds:0}s");
        var ends = DateTime.UtcNow + settings.Duration;
        while (DateTime.UtcNow < ends)
        {
            var tick = DateTime.UtcNow;
            for (var i = 0; i < perSecond; i++)
            {
                var response = await ingest.PostAsJsonAsync("/v1/conversations", new
                {
                    conversationId = $"lifecycle-{Guid.NewGuid():N}",
                    messages = Corpus.Conversation(random, 2, 4).Select(t => new { role = t.Role, content = t.Content }).ToArray(),
                });
                var answer = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
                ids.Add(Guid.Parse((string)answer["id"]!));
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
            count.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
            visible = (long)(await count.ExecuteScalarAsync())!;
            if (visible == ids.Count) break;
            await Task.Delay(500);
        }
        stopPolling.Cancel();
        await poller;

        var captureToScheduled = new List<double>();
        var dueToVisible = new List<double>();
        await using (var command = db.CreateCommand("""
            select e.stream_id, e.timestamp, (e.data->>'publishAt')::timestamptz, f.changed_at
            from sharelm.mt_events e left join catalog.feed f on f.conversation_id = e.stream_id and f.op = 'upsert'
            where e.stream_id = any($1) and e.type = 'conversation_captured'
            """))
        {
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
        }
        return new
        {
            conversations = ids.Count,
            hold_s = Math.Round(hold.Value.TotalSeconds, 1),
            published = visible,
            capture_to_scheduled = Measure.Summary(captureToScheduled),
            due_to_visible = Measure.Summary(dueToVisible),
        };
    }
}
