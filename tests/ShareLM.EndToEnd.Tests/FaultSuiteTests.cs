using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Xunit.Abstractions;

namespace ShareLM.EndToEnd.Tests;

/// <summary>
/// The fault suite. Against a PostgreSQL, a RabbitMQ and service processes of its own, a steady stream of
/// captures, revisions, publish-nows and deletions runs while each service in turn is killed (-9) and
/// restarted, RabbitMQ is restarted and PostgreSQL is restarted. Clients retry what was not acknowledged.
/// Afterwards: every accepted conversation that was not deleted is public, once, at its latest revision;
/// every deleted one is absent from the feed and the snapshot, and its marker from the database; nothing
/// was published twice; every 503 carried Retry-After. Once with one instance of every service, once with two.
/// </summary>
public sealed class FaultSuiteTests(ITestOutputHelper output) : IAsyncLifetime
{
    static readonly TimeSpan Hold = TimeSpan.FromSeconds(3);
    readonly PrivatePostgres _postgres = new();
    readonly PrivateRabbitMq _rabbit = new();
    readonly List<ServiceProcess> _processes = [];
    const string Database = "faults";

    public async Task InitializeAsync()
    {
        await Task.WhenAll(_postgres.StartAsync(), _rabbit.StartAsync());
        await _postgres.CreateDatabaseAsync(Database);
    }

    readonly string _snapshots = TestSettings.SnapshotDirectoryFor("fault-suite-" + Guid.NewGuid().ToString("N"));

    public async Task DisposeAsync()
    {
        foreach (var p in _processes) await p.DisposeAsync();
        if (Directory.Exists(_snapshots)) Directory.Delete(_snapshots, recursive: true);
        await _rabbit.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    Dictionary<string, string?> Settings() => TestSettings.For(_postgres.ConnectionString(Database), _rabbit.Uri, Hold, snapshotDirectory: _snapshots).With(new Dictionary<string, string?>
    {
        ["Retention:Reconciliation:Interval"] = "00:00:15",
        ["Logging:LogLevel:MassTransit"] = "Information",
    });

    async Task<List<ServiceProcess>> StartAsync(Service service, int instances)
    {
        var started = new List<ServiceProcess>();
        for (var i = 0; i < instances; i++)
        {
            var process = new ServiceProcess
            {
                Service = service, Port = FreePort.Next(), Settings = Settings(),
                LogFile = Path.Combine(Path.GetTempPath(), $"sharelm-faults-{Guid.NewGuid():N}-{service}-{i}.log"),
            };
            process.Start();
            _processes.Add(process);
            started.Add(process);
        }
        foreach (var p in started) await p.WaitReadyAsync(TimeSpan.FromSeconds(90));
        return started;
    }

    [Fact]
    public Task One_instance_of_every_service_survives_crashes_and_restarts() => RunAsync(instances: 1);

    [Fact]
    public Task Two_instances_of_every_service_survive_crashes_and_restarts() => RunAsync(instances: 2);

    async Task RunAsync(int instances)
    {
        var ingest = await StartAsync(Service.Ingest, instances);
        var retention = await StartAsync(Service.Retention, instances);
        var catalog = await StartAsync(Service.Catalog, instances);
        var gateway = new Gateway(ingest);
        using var load = new CancellationTokenSource();
        var fleet = Enumerable.Range(0, 4).Select(i => new Client(gateway, $"w{i}")).ToList();
        var running = fleet.Select(c => c.RunAsync(load.Token)).ToList();

        async Task Crash(ServiceProcess process)
        {
            output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} kill -9 {process.Service}");
            process.Kill();
            await Task.Delay(TimeSpan.FromSeconds(2));
            process.Start();
            await process.WaitReadyAsync(TimeSpan.FromSeconds(90));
            output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {process.Service} back");
        }

        await Task.Delay(TimeSpan.FromSeconds(4));
        await Crash(ingest[0]);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await Crash(retention[0]);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await Crash(catalog[0]);
        await Task.Delay(TimeSpan.FromSeconds(2));
        output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} restart RabbitMQ");
        await _rabbit.StopAsync();
        await _rabbit.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        output.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} restart PostgreSQL");
        await _postgres.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await _postgres.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(4));
        load.Cancel();
        await Task.WhenAll(running);

        var conversations = fleet.SelectMany(c => c.Conversations.Values).ToList();
        output.WriteLine($"{conversations.Count} conversations ({conversations.Count(c => c.Deleted)} deleted), " +
                         $"{fleet.Sum(c => c.Acknowledged)} acknowledged requests, {gateway.Unavailable} answers 503, {gateway.Retries} retries");
        Assert.Empty(fleet.SelectMany(c => c.Failures));
        Assert.Equal(0, gateway.UnavailableWithoutRetryAfter);
        Assert.True(conversations.Count >= 20, "the load was too light to mean anything");

        using var catalogClient = new HttpClient { BaseAddress = catalog[^1].BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var settling = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await Eventually.True(async () => Mismatches(conversations, await catalogClient.WholeFeedAsync()).Count == 0,
                TimeSpan.FromSeconds(120), "every invariant to hold");
            output.WriteLine($"every invariant held {settling.Elapsed.TotalSeconds:0.0} s after the load stopped");
        }
        catch (TimeoutException)
        {
            var mismatches = Mismatches(conversations, await catalogClient.WholeFeedAsync());
            output.WriteLine($"{mismatches.Count} conversations break an invariant; the first ones:");
            foreach (var (_, problem) in mismatches.Take(10)) output.WriteLine(problem);
            await DiagnoseAsync(mismatches.Select(m => m.Id).Distinct().Take(3).ToList());
            foreach (var p in _processes) output.WriteLine($"--- {p.LogFile}\n" + string.Join('\n', File.ReadLines(p.LogFile).Where(l => l.Contains("\"Error\"") || l.Contains("fail") || l.Contains("starts again")).TakeLast(10)));
            throw;
        }

        // The snapshot agrees, and no revision was published twice.
        var snapshot = await catalogClient.GetStringAsync("/v1/dataset.jsonl");
        foreach (var deleted in conversations.Where(c => c.Deleted)) Assert.DoesNotContain(deleted.Id.ToString(), snapshot);
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString(Database));
        await connection.OpenAsync();
        await using (var twice = new NpgsqlCommand("""
            select count(*) from (select stream_id, data->>'revision' from sharelm.mt_events
                                  where type = 'conversation_published' group by 1, 2 having count(*) > 1) d
            """, connection))
            Assert.Equal(0L, (long)(await twice.ExecuteScalarAsync())!);

        // No send was committed after a newer one: the clients never take turns away, so no stream may lose any. (A
        // request that timed out and was sent again must not be committed late, after the client's next capture.)
        await using (var shrinking = new NpgsqlCommand("""
            select count(*) from (
              select n, lag(n) over (partition by stream_id order by seq_id) as before from (
                select stream_id, seq_id,
                       case when type = 'conversation_extended' then (data->>'keptTurns')::int + jsonb_array_length(data->'newTurns')
                            else jsonb_array_length(data->'turns') end as n
                from sharelm.mt_events
                where type in ('conversation_captured', 'conversation_revised', 'conversation_extended') and data->>'erased' is distinct from 'true') t) u
            where n < before
            """, connection))
            Assert.Equal(0L, (long)(await shrinking.ExecuteScalarAsync())!);

        // Erased means erased: no deleted conversation's marker is readable anywhere in the database.
        var markers = conversations.Where(c => c.Deleted).Select(c => "%" + c.Marker + "%").ToArray();
        if (markers.Length > 0)
        {
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand("""
                select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables
                where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
                """, connection))
            await using (var reader = await list.ExecuteReaderAsync())
                while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
            await Eventually.True(async () =>
            {
                foreach (var table in tables)
                {
                    await using var scan = new NpgsqlCommand($"select count(*) from {table} t where t::text like any($1)", connection);
                    scan.Parameters.Add(new NpgsqlParameter { Value = markers });
                    if ((long)(await scan.ExecuteScalarAsync())! > 0) return false;
                }
                return true;
            }, TimeSpan.FromSeconds(60), "deleted markers to leave the database");
        }
    }

    /// <summary>Where things stand, for reading after a failure.</summary>
    async Task DiagnoseAsync(IReadOnlyList<Guid> examples)
    {
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString(Database));
        await connection.OpenAsync();
        // What happened to a few of the conversations that break an invariant, event by event.
        foreach (var id in examples)
        {
            var lines = new List<string>();
            foreach (var sql in new[]
                     {
                         "select seq_id || ' v' || version || ' ' || type || ' ' || to_char(timestamp, 'HH24:MI:SS.MS') from sharelm.mt_events where stream_id = $1 order by seq_id",
                         "select 'state ' || (data->>'status') || ' revision ' || (data->>'revision') || ' publishAt ' || (data->>'publishAt') from sharelm.mt_doc_conversationstate where id = $1",
                         "select 'schedule due ' || to_char(due_at, 'HH24:MI:SS.MS') || ' attempts ' || attempts from scheduler.scheduled_messages where token_id = $1",
                     })
            {
                await using var command = new NpgsqlCommand(sql, connection) { Parameters = { new NpgsqlParameter { Value = id } } };
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) lines.Add(reader.GetString(0));
            }
            output.WriteLine($"{id}: {string.Join("; ", lines)}");
        }
        foreach (var sql in new[]
                 {
                     "select 'head', max(seq_id)::text from sharelm.mt_events",
                     "select name, last_seq_id::text || ' at ' || to_char(last_updated, 'HH24:MI:SS') from sharelm.mt_event_progression",
                     "select 'advisory locks held', string_agg(objid::text, ' ') from pg_locks where locktype = 'advisory'",
                     "select 'scheduled', count(*)::text from scheduler.scheduled_messages",
                     "select 'overdue schedules', count(*)::text from scheduler.scheduled_messages where due_at < now()",
                     "select data->>'status', count(*)::text from sharelm.mt_doc_conversationstate group by 1",
                     "select 'held and overdue', count(*)::text from sharelm.mt_doc_conversationstate where data->>'status' = 'Held' and (data->>'publishAt')::timestamptz < now() - interval '10 seconds'",
                     "select 'dead letters', count(*)::text from sharelm.mt_doc_deadletterevent",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) output.WriteLine($"{reader.GetValue(0)}: {reader.GetValue(1)}");
        }
        foreach (var p in _processes.Where(p => p.Running))
        {
            using var client = new HttpClient { BaseAddress = p.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            try { output.WriteLine($"{p.Service} {p.Port} ready: {await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync()}"); }
            catch (Exception e) { output.WriteLine($"{p.Service} {p.Port} ready: {e.Message}"); }
        }
        using var management = new HttpClient { BaseAddress = _rabbit.Management };
        management.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        try
        {
            var queues = await management.GetFromJsonAsync<JsonArray>("/api/queues");
            foreach (var q in queues!) output.WriteLine($"queue {q!["name"]}: ready {q["messages_ready"]} unacked {q["messages_unacknowledged"]} consumers {q["consumers"]}");
        }
        catch (Exception e)
        {
            output.WriteLine("management API: " + e.Message);
        }
    }

    static List<(Guid Id, string Problem)> Mismatches(List<Conversation> conversations, List<FeedEntry> feed)
    {
        var entries = feed.GroupBy(e => e.ConversationId).ToDictionary(g => g.Key, g => g.ToList());
        var problems = new List<(Guid, string)>();
        foreach (var c in conversations)
        {
            entries.TryGetValue(c.Id, out var mine);
            if (mine is { Count: > 1 }) problems.Add((c.Id, $"{c.Id}: {mine.Count} feed entries"));
            var entry = mine?.SingleOrDefault();
            if (c.Deleted)
            {
                if (entry is { Op: "upsert" }) problems.Add((c.Id, $"{c.Id}: deleted but public"));
                continue;
            }
            if (entry is not { Op: "upsert" }) { problems.Add((c.Id, $"{c.Id}: accepted but not public ({entry?.Op ?? "absent"})")); continue; }
            var turns = entry.Record!["conversation"]!.AsArray().Select(t => (string)t!["content"]!).ToList();
            if (!turns.SequenceEqual(c.Turns.Select(t => ShareLM.Ingest.Redaction.Redactor.Redact(t).Text))) problems.Add((c.Id, $"{c.Id}: public at {turns.Count} turns, latest accepted has {c.Turns.Count}"));
        }
        return problems;
    }

    sealed class Conversation(Guid id, string clientId, string marker)
    {
        public Guid Id { get; } = id;
        public string ClientId { get; } = clientId;
        public string Marker { get; } = marker;
        public List<string> Turns { get; set; } = [];
        public bool Deleted { get; set; }
    }

    /// <summary>Spreads requests over the Ingest instances; retries what was not acknowledged, as a careful client does.</summary>
    sealed class Gateway(IReadOnlyList<ServiceProcess> instances)
    {
        readonly HttpClient[] _clients = instances.Select(i => new HttpClient { BaseAddress = i.BaseAddress, Timeout = TimeSpan.FromSeconds(10) }).ToArray();
        int _next;
        public int Unavailable;
        public int UnavailableWithoutRetryAfter;
        public int Retries;

        public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken stopping)
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (true)
            {
                var client = _clients[(int)((uint)Interlocked.Increment(ref _next) % _clients.Length)];
                try
                {
                    var response = await client.SendAsync(request());
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable) return response;
                    Interlocked.Increment(ref Unavailable);
                    if (response.Headers.RetryAfter is null) Interlocked.Increment(ref UnavailableWithoutRetryAfter);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not acknowledged: it may or may not have been stored, so send the same again.
                }
                if (DateTime.UtcNow > deadline) throw new TimeoutException("a request was never acknowledged");
                Interlocked.Increment(ref Retries);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(100, 400)));
            }
        }
    }

    sealed class Client(Gateway gateway, string name)
    {
        public ConcurrentDictionary<Guid, Conversation> Conversations { get; } = new();
        public List<string> Failures { get; } = [];
        public int Acknowledged;
        string _token = "";
        int _sequence;

        HttpRequestMessage Request(HttpMethod method, string path, object? body = null)
        {
            var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _token);
            if (body is not null) request.Content = JsonContent.Create(body);
            return request;
        }

        public async Task RunAsync(CancellationToken stopping)
        {
            var registration = await gateway.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "/v1/contributors")
            { Content = JsonContent.Create(new { termsVersion = "t", ageConfirmed = true }) }, stopping);
            _token = (string)JsonNode.Parse(await registration.Content.ReadAsStringAsync())!["token"]!;
            var random = new Random(name.GetHashCode());
            while (!stopping.IsCancellationRequested)
            {
                var live = Conversations.Values.Where(c => !c.Deleted).ToList();
                var roll = random.Next(100);
                if (live.Count < 3 || roll < 45) await CaptureAsync(null, stopping);
                else if (roll < 70) await CaptureAsync(live[random.Next(live.Count)], stopping);
                else if (roll < 85) await PublishNowAsync(live[random.Next(live.Count)], stopping);
                else await DeleteAsync(live[random.Next(live.Count)], stopping);
                await Task.Delay(random.Next(20, 80), CancellationToken.None);
            }
        }

        async Task CaptureAsync(Conversation? existing, CancellationToken stopping)
        {
            var conversation = existing ?? new Conversation(Guid.Empty, $"{name}-{++_sequence}", Marker());
            var turns = conversation.Turns.Count == 0
                ? new List<string> { $"Tell me something about topic {conversation.Marker} please." }
                : [.. conversation.Turns, $"And more, part {conversation.Turns.Count + 1}, about {conversation.Marker}."];
            var body = new
            {
                conversationId = conversation.ClientId,
                messages = turns.Select((t, i) => new { role = i % 2 == 0 ? "user" : "assistant", content = t }).ToArray(),
            };
            var response = await gateway.SendAsync(() => Request(HttpMethod.Post, "/v1/conversations", body), stopping);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Failures.Add($"capture {conversation.ClientId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return;
            }
            Interlocked.Increment(ref Acknowledged);
            var id = Guid.Parse((string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!);
            var accepted = existing ?? new Conversation(id, conversation.ClientId, conversation.Marker);
            accepted.Turns = turns;
            Conversations[id] = accepted;
        }

        /// <summary>Letters only, so that no part of it looks like a number the redaction would replace.</summary>
        static string Marker() => "FM" + new string(Guid.NewGuid().ToByteArray().Select(b => (char)('a' + b % 26)).ToArray());

        async Task PublishNowAsync(Conversation conversation, CancellationToken stopping)
        {
            var response = await gateway.SendAsync(() => Request(HttpMethod.Post, $"/v1/conversations/{conversation.Id}/publish"), stopping);
            if (response.StatusCode != HttpStatusCode.Accepted) Failures.Add($"publish {conversation.Id}: {(int)response.StatusCode}");
            else Interlocked.Increment(ref Acknowledged);
        }

        async Task DeleteAsync(Conversation conversation, CancellationToken stopping)
        {
            var response = await gateway.SendAsync(() => Request(HttpMethod.Delete, $"/v1/conversations/{conversation.Id}"), stopping);
            if (response.StatusCode != HttpStatusCode.Accepted) Failures.Add($"delete {conversation.Id}: {(int)response.StatusCode}");
            else
            {
                conversation.Deleted = true;
                Interlocked.Increment(ref Acknowledged);
            }
        }
    }
}
