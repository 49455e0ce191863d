using System.Diagnostics;
using Npgsql;
using ShareLM.Catalog;
using ShareLM.Catalog.Projection;

namespace ShareLM.Benchmarks;

/// <summary>
/// The explorer's pages against the store the rebuild just filled (a million public records): a Catalog started in
/// this process on that database answers each kind of page many times over loopback; the time of each answer is
/// measured at the client (the server's time plus a loopback round trip). Its baseline, in the same run, is the
/// Catalog's own record endpoint (one primary-key read and no page to render).
/// </summary>
public static class ExplorerBenchmark
{
    const int Warmup = 5, Requests = 200;

    public static async Task<object> RunAsync(string connectionString, NpgsqlDataSource db, int records)
    {
        Measure.Progress($"explorer: pages over {records:N0} public records");
        // A deployment's live projection is at the head the rebuild caught up with (it ran beside it); this store's never
        // ran, so it is put there, or the Catalog started below would project every event again.
        await using (var progression = db.CreateCommand($"""
            insert into {ShareLM.ServiceDefaults.EventStore.EventStoreSetup.Schema}.mt_event_progression (name, last_seq_id)
            values ('{CatalogProjection.DaemonName}:All', (select max(seq_id) from {ShareLM.ServiceDefaults.EventStore.EventStoreSetup.Schema}.mt_events))
            on conflict (name) do update set last_seq_id = excluded.last_seq_id
            """))
            await progression.ExecuteNonQueryAsync();
        var snapshots = Directory.CreateTempSubdirectory("sharelm-bench-explorer-");
        await using var app = CatalogApp.Build([
            "--urls=http://127.0.0.1:0",
            $"--ConnectionStrings:Postgres={connectionString}",
            "--Catalog:ReleaseSecret=benchmark-release-secret",
            $"--Catalog:SnapshotDirectory={snapshots.FullName}",
            "--Catalog:StatsRefreshInterval=00:10:00",
            "--Logging:LogLevel:Default=Warning",
        ]);
        try
        {
            // The projection leaves the search vectors to the Catalog's indexer: it starts with the app; the pages
            // are measured once it is done (the time it takes is a figure of its own).
            var indexing = Stopwatch.StartNew();
            await app.StartAsync();
            await using (var pending = db.CreateCommand($"select count(*) from {CatalogSchema.Feed} where op = 'upsert' and search is null"))
            {
                var last = Stopwatch.StartNew();
                while ((long)(await pending.ExecuteScalarAsync())! > 0)
                {
                    if (last.Elapsed > TimeSpan.FromSeconds(10))
                    {
                        Measure.Progress($"explorer: search index: {(long)(await pending.ExecuteScalarAsync())!:N0} records left");
                        last.Restart();
                    }
                    await Task.Delay(500);
                }
            }
            indexing.Stop();
            Measure.Progress($"explorer: search index of {records:N0} records made in {indexing.Elapsed.TotalSeconds:F0} s");
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(5) };

            var ids = new List<Guid>();
            long middle;
            await using (var command = db.CreateCommand($"select conversation_id from {CatalogSchema.Feed} where op = 'upsert' order by random() limit 200"))
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
            await using (var command = db.CreateCommand($"select percentile_disc(0.5) within group (order by cursor) from {CatalogSchema.Feed}"))
                middle = (long)(await command.ExecuteScalarAsync())!;

            // The stats behind home and browse are computed once (a scan of the feed), then served from memory.
            var first = Stopwatch.StartNew();
            (await http.GetAsync("/")).EnsureSuccessStatusCode();
            var firstHome = first.Elapsed.TotalMilliseconds;

            var pages = new (string Name, Func<int, string> Path)[]
            {
                ("record (baseline)", i => $"/v1/records/{ids[i % ids.Count]}"),
                ("home", _ => "/"),
                ("browse, newest", _ => "/conversations"),
                ("browse, half way down (before=)", _ => $"/conversations?before={middle}"),
                ("browse, model + language + rating filters", _ => "/conversations?model=bench-model&language=en&rating=unrated"),
                ("browse, date range", _ => $"/conversations?from={DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}&to={DateTime.UtcNow:yyyy-MM-dd}"),
                ("search, a word in most records", _ => "/conversations?q=energy"),
                ("search, two words", _ => "/conversations?q=recipe%20weather"),
                ("search, a word in none", _ => "/conversations?q=zanzibarquokka"),
                ("conversation", i => $"/conversations/{ids[i % ids.Count]}"),
                ("download", _ => "/download"),
            };
            var results = new Dictionary<string, object>();
            double baseline = 0;
            foreach (var (name, path) in pages)
            {
                for (var i = 0; i < Warmup; i++) (await http.GetAsync(path(i))).EnsureSuccessStatusCode();
                var times = new List<double>(Requests);
                for (var i = 0; i < Requests; i++)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.GetAsync(path(i));
                    await response.Content.ReadAsByteArrayAsync();
                    response.EnsureSuccessStatusCode();
                    times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                var p99 = Measure.Percentile(times, 99);
                if (baseline == 0) baseline = p99;
                results[name] = new
                {
                    p50_ms = Math.Round(Measure.Percentile(times, 50), 1),
                    p99_ms = Math.Round(p99, 1),
                    max_ms = Math.Round(times.Max(), 1),
                    p99_vs_record = Math.Round(p99 / baseline, 1),
                };
                Measure.Progress($"explorer: {name}: p50 {Measure.Percentile(times, 50):F1} ms, p99 {p99:F1} ms");
            }
            return new
            {
                records,
                search_index_seconds = Math.Round(indexing.Elapsed.TotalSeconds, 1),
                search_index_records_per_s = Math.Round(records / indexing.Elapsed.TotalSeconds, 0),
                first_home_ms = Math.Round(firstHome, 0),
                pages = results,
            };
        }
        finally
        {
            await app.StopAsync();
            snapshots.Delete(recursive: true);
        }
    }
}
