using System.Diagnostics;
using System.Text;
using System.Text.Json;
using JasperFx.Events;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Projection;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Catalog.Snapshots;
using ShareLM.Conversations;
using ShareLM.Conversations.Language;
using ShareLM.Events;
using ShareLM.Ops.Import;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Benchmarks;

/// <summary>
/// The benchmarks that need an event store of their own, in a scratch database on the same server: rebuild
/// of the catalog projection, snapshot export, and import (against PostgreSQL's own COPY of the same rows).
/// </summary>
public static class StoreBenchmarks
{
    // Not the services' database (bench.sh gives them sharelm_bench): their Catalog daemon must not project
    // these events beside the rebuild being measured, nor their connections be cut when this one is recreated.
    const string Database = "sharelm_bench_store";
    static readonly Pseudonymizer Pseudonyms = new("benchmark");

    static DocumentStore Store(BenchSettings settings) => DocumentStore.For(options =>
    {
        EventStoreSetup.Configure(options, settings.ScratchDatabase(Database), "sharelm-bench");
        CatalogSchema.Register(options);
    });

    /// <summary>LMSYS-sized conversations: about 1.2 KB of text in 2–4 turns.</summary>
    static List<Turn> Turns(Random random) =>
        [.. Corpus.Conversation(random, 2, 4, 250, 350).Select(t => new Turn(t.Role, t.Content))];

    public static async Task<object> RebuildAndSnapshotAsync(BenchSettings settings)
    {
        var n = settings.Conversations;
        await settings.RecreateDatabaseAsync(Database);
        using var store = Store(settings);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate);

        // Publication records each revision's language (Retention detects it once); the events written here carry it
        // as Retention would. Detecting a million would take minutes of setup, so a sample is detected, timed, and
        // must agree on one tag for the rest to carry it; otherwise every conversation is detected.
        const int languageSample = 1_000;
        var detecting = Stopwatch.StartNew();
        var sampled = Enumerable.Range(0, Math.Min(n, languageSample)).Select(i => LanguageDetector.High.Of(ConversationContent.Fold(
            [new ConversationCaptured(Guid.Empty, Guid.Empty, "", Vocabulary.SourceExtension, "bench", Demographics.None, null, "bench-model",
                Turns(new Random(i)), null, false, "", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)]))).ToList();
        detecting.Stop();
        var corpusLanguage = sampled.Distinct().Count() == 1 ? sampled[0] : null;
        Measure.Progress($"rebuild: language of {sampled.Count:N0} sampled conversations: {string.Join(", ", sampled.CountBy(l => l).Select(kv => $"{kv.Key} {kv.Value}"))}");

        Measure.Progress($"rebuild: writing {n:N0} conversations (captured and published: {2L * n:N0} events)");
        var writing = Stopwatch.StartNew();
        const int batch = 10_000;
        var now = DateTimeOffset.UtcNow;
        for (var offset = 0; offset < n; offset += batch)
        {
            var random = new Random(offset);
            var actions = new List<StreamAction>(batch);
            for (var i = offset; i < Math.Min(n, offset + batch); i++)
            {
                var id = Guid.CreateVersion7();
                var captured = new ConversationCaptured(id, Guid.NewGuid(), $"c{i}", Vocabulary.SourceExtension, "bench", Demographics.None, null,
                    "bench-model", Turns(random), null, false, "", now, now);
                var language = corpusLanguage ?? LanguageDetector.High.Of(ConversationContent.Fold([captured]));
                actions.Add(StreamAction.Start(store.Events, id, [captured, new ConversationPublished(id, 1, now, Vocabulary.PublishedBecauseHoldEnded, language)]));
            }
            await store.BulkInsertEventsAsync(actions, batch);
            if (offset % 100_000 == 0) Measure.Progress($"rebuild: {offset + actions.Count:N0} written");
        }
        writing.Stop();

        await using var db = NpgsqlDataSource.Create(settings.ScratchDatabase(Database));
        // A live event store has planner statistics (autovacuum keeps them); one just bulk-loaded has none yet.
        await using (var analyze = db.CreateCommand($"analyze {EventStoreSetup.Schema}.mt_events; analyze {EventStoreSetup.Schema}.mt_streams"))
            await analyze.ExecuteNonQueryAsync();
        Measure.Progress("rebuild: replaying every event through the catalog projection");
        var rebuild = new CatalogRebuild(store, db, new CatalogProjection(Pseudonyms, db, LanguageDetector.High, TimeProvider.System));
        var last = Stopwatch.StartNew();
        var report = await rebuild.RunAsync(fromScratch: true, new Progress<RebuildProgress>(p =>
        {
            if (last.Elapsed < TimeSpan.FromSeconds(10)) return;
            last.Restart();
            Measure.Progress($"rebuild: {p.Position:N0}/{p.Head:N0} events");
        }), CancellationToken.None);

        // Before the snapshots: they trim the feed to a tenth afterwards.
        var explorer = await ExplorerBenchmark.RunAsync(settings.ScratchDatabase(Database), db, n);
        var snapshots = await SnapshotsAsync(settings, db, n);
        return new
        {
            rebuild = new
            {
                conversations = n,
                events = report.EventsProcessed,
                events_applied = report.EventsApplied,
                seconds = Math.Round(report.Elapsed.TotalSeconds, 1),
                events_per_s = Math.Round(report.EventsPerSecond, 0),
                bulk_write_events_per_s = Math.Round(2.0 * n / writing.Elapsed.TotalSeconds, 0),
                // The first detection loads the models (seconds): the figure includes it.
                language_detections_per_s_with_first_load = Math.Round(sampled.Count / detecting.Elapsed.TotalSeconds, 0),
            },
            explorer,
            snapshot = snapshots,
        };
    }

    static async Task<object> SnapshotsAsync(BenchSettings settings, NpgsqlDataSource db, int n)
    {
        var directory = Directory.CreateTempSubdirectory("sharelm-bench-snapshots-");
        try
        {
            var store = new SnapshotStore(db, Options.Create(new CatalogOptions { SnapshotDirectory = directory.FullName, SnapshotInterval = TimeSpan.Zero }),
                NullLogger<SnapshotStore>.Instance, TimeProvider.System);
            var results = new Dictionary<string, object>();
            foreach (var format in new[] { SnapshotFormat.Jsonl, SnapshotFormat.Parquet })
            {
                Measure.Progress($"snapshot: {format} of {n:N0} records");
                var (snapshot, peak, elapsed) = await Measure.WithPeakHeapAsync(() => store.GetAsync(format, CancellationToken.None));
                results[format.ToString().ToLowerInvariant()] = new
                {
                    records = snapshot.Records,
                    seconds = Math.Round(elapsed.TotalSeconds, 1),
                    records_per_s = Math.Round(snapshot.Records / elapsed.TotalSeconds, 0),
                    file_mib = Math.Round(new FileInfo(snapshot.Path).Length / 1024.0 / 1024.0, 1),
                    peak_managed_heap_mib = peak,
                };
            }
            // The same exports over a tenth of the records: peak memory should not scale with the dataset.
            await using (var trim = db.CreateCommand($"delete from {CatalogSchema.Feed} where cursor > (select min(cursor) + {Math.Max(1, n / 10)} from {CatalogSchema.Feed})"))
                await trim.ExecuteNonQueryAsync();
            foreach (var format in new[] { SnapshotFormat.Jsonl, SnapshotFormat.Parquet })
            {
                var (snapshot, peak, _) = await Measure.WithPeakHeapAsync(() => store.GetAsync(format, CancellationToken.None));
                results[format.ToString().ToLowerInvariant() + "_tenth"] = new { records = snapshot.Records, peak_managed_heap_mib = peak };
            }
            return results;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public static async Task<object> ImportAsync(BenchSettings settings)
    {
        var n = settings.Conversations;
        await settings.RecreateDatabaseAsync(Database);
        var directory = Directory.CreateTempSubdirectory("sharelm-bench-import-");
        var path = Path.Combine(directory.FullName, "lmsys.jsonl");
        try
        {
            Measure.Progress($"import: generating {n:N0} LMSYS-sized rows");
            var random = new Random(3);
            await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
            {
                for (var i = 0; i < n; i++)
                {
                    await writer.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        conversation_id = Guid.NewGuid().ToString("N"),
                        model = "vicuna-13b",
                        conversation = Turns(random).Select(t => new { role = t.Role, content = t.Content }),
                        turn = 1,
                        language = "English",
                        openai_moderation = new[] { new { flagged = false } },
                        redacted = false,
                    }));
                }
            }
            var bytes = new FileInfo(path).Length;

            Measure.Progress("import: PostgreSQL COPY of the same rows into a bare table (text, then jsonb)");
            await using var db = NpgsqlDataSource.Create(settings.ScratchDatabase(Database));
            // The ceiling the target is set against: the rows as text. The same rows as jsonb, which must be
            // parsed as the event store's bodies are, is printed beside it for scale.
            var cpuBeforeCopy = CpuUsage.Read(settings);
            var copyText = await CopyAsync(db, path, "text");
            var cpuBetweenCopies = CpuUsage.Read(settings);
            var copyJsonb = await CopyAsync(db, path, "jsonb");
            var cpuAfterCopy = CpuUsage.Read(settings);

            Measure.Progress("import: sharelm-ops import lmsys");
            using var store = Store(settings);
            var last = Stopwatch.StartNew();
            var cpuBefore = CpuUsage.Read(settings, self: "importer");
            var summary = await new ConversationImporter(store, db).ImportAsync("lmsys", path, null, Path.Combine(directory.FullName, "rejects.jsonl"),
                new Progress<ImportProgress>(p =>
                {
                    if (last.Elapsed < TimeSpan.FromSeconds(10)) return;
                    last.Restart();
                    Measure.Progress($"import: {p.Rows:N0} rows");
                }), CancellationToken.None);
            var cpuAfter = CpuUsage.Read(settings, self: "importer");
            var copyPerSecond = n / copyText.TotalSeconds;
            var copyJsonbPerSecond = n / copyJsonb.TotalSeconds;
            return new
            {
                rows = n,
                average_row_bytes = bytes / n,
                imported = summary.Imported,
                rejected = summary.Rejected,
                seconds = Math.Round(summary.Elapsed.TotalSeconds, 1),
                conversations_per_s = Math.Round(summary.PerSecond, 0),
                // CPU per conversation: the importer's own (parsing, mapping, redaction, serialization) and PostgreSQL's.
                cpu_us_per_conversation = CpuUsage.MicrosecondsPer(cpuBefore, cpuAfter, summary.Read),
                postgres_copy_rows_per_s = Math.Round(copyPerSecond, 0),
                postgres_copy_cpu_us_per_row = CpuUsage.MicrosecondsPer(cpuBeforeCopy, cpuBetweenCopies, n).GetValueOrDefault("postgres"),
                ratio_to_copy = Math.Round(summary.PerSecond / copyPerSecond, 3),
                postgres_copy_jsonb_rows_per_s = Math.Round(copyJsonbPerSecond, 0),
                ratio_to_copy_jsonb = Math.Round(summary.PerSecond / copyJsonbPerSecond, 3),
                postgres_copy_jsonb_cpu_us_per_row = CpuUsage.MicrosecondsPer(cpuBetweenCopies, cpuAfterCopy, n).GetValueOrDefault("postgres"),
            };
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    static async Task<TimeSpan> CopyAsync(NpgsqlDataSource db, string path, string type)
    {
        var table = "bare_" + type;
        await using (var create = db.CreateCommand($"create table {table} (line {type} not null)")) await create.ExecuteNonQueryAsync();
        var copying = Stopwatch.StartNew();
        await using (var connection = await db.OpenConnectionAsync())
        await using (var importer = await connection.BeginBinaryImportAsync($"copy {table} (line) from stdin (format binary)"))
        {
            foreach (var line in File.ReadLines(path))
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(line, type == "jsonb" ? NpgsqlTypes.NpgsqlDbType.Jsonb : NpgsqlTypes.NpgsqlDbType.Text);
            }
            await importer.CompleteAsync();
        }
        return copying.Elapsed;
    }

    public static Task DropAsync(BenchSettings settings) => settings.DropDatabaseAsync(Database);
}
