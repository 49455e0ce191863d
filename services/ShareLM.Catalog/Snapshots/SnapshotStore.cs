using System.Collections.Concurrent;
using System.Data;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using Parquet;
using Parquet.Serialization;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Projection;

namespace ShareLM.Catalog.Snapshots;

public enum SnapshotFormat { Jsonl, Parquet }

public sealed record Snapshot(string Path, long Cursor, long Records, SnapshotFormat Format, DateTimeOffset MadeAt);

/// <summary>The snapshot on hand holds something taken down since, and the next may not be built yet.</summary>
public sealed class SnapshotWithheldException(TimeSpan retryAfter)
    : Exception("The snapshot is being remade after a take-down; retry shortly.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Whole-dataset snapshots, kept as files and stamped with the feed cursor they are exactly consistent with (each
/// is read inside one repeatable-read transaction), so a mirror loads one and follows the feed from its cursor.
/// A full export costs a scan of the dataset, so one is not made for every move of the feed: the newest snapshot
/// is served until it is <c>Catalog:SnapshotInterval</c> old, unless something was taken down since its cursor,
/// since a take-down must leave every snapshot served after it. Concurrent requests share one build. Records are
/// streamed from PostgreSQL to the file in batches, so memory does not grow with the dataset.
/// <para>
/// Files are named by the store's identity (<see cref="CatalogSchema.Store"/>) as well as the cursor: a file made
/// from another database (the store dropped and made anew, a cursor that happens to match) is never served, and is
/// swept. They live in <c>Catalog:SnapshotDirectory</c> (default: the service user's local data folder, never a
/// shared temporary path), made private (0700); every directory an instance ever used is recorded in the store
/// and swept too.
/// </para>
/// </summary>
public sealed class SnapshotStore(NpgsqlDataSource db, IOptions<CatalogOptions> settings, ILogger<SnapshotStore> logger, TimeProvider clock)
{
    public const string CursorMetadataKey = "sharelm.feed_cursor";
    public const int ParquetRowGroup = 10_000;
    const int KeepPerFormat = 2;

    readonly ConcurrentDictionary<SnapshotFormat, Lazy<Task<Snapshot>>> _building = new();
    readonly ConcurrentDictionary<SnapshotFormat, DateTimeOffset> _lastBuild = new();
    Task<Guid>? _storeId;
    Guid _store;

    /// <summary>Where snapshots went before they had a directory of their own: swept like any other.</summary>
    public static readonly string LegacyDirectory = Path.Combine(Path.GetTempPath(), "sharelm-catalog-snapshots");

    const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    string Directory
    {
        get
        {
            var dir = Path.GetFullPath(settings.Value.SnapshotDirectory is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                    "sharelm-catalog", "snapshots"));
            if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(dir);
            else if (!System.IO.Directory.Exists(dir)) System.IO.Directory.CreateDirectory(dir, Private);
            else if (File.GetUnixFileMode(dir) != Private) File.SetUnixFileMode(dir, Private);
            return dir;
        }
    }

    /// <summary>
    /// This store's identity, made with its schema; on first use this instance's directory is recorded with it, so
    /// every directory that ever held a snapshot of it is swept.
    /// </summary>
    public Task<Guid> StoreIdAsync() => _storeId ??= LoadStoreIdAsync();

    async Task<Guid> LoadStoreIdAsync()
    {
        try
        {
            await using var batch = db.CreateBatch();
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"insert into {CatalogSchema.Store} default values on conflict do nothing"));
            var record = new NpgsqlBatchCommand($"update {CatalogSchema.Store} set snapshot_directories = array_append(snapshot_directories, $1) where not ($1 = any(snapshot_directories))");
            record.Parameters.Add(new NpgsqlParameter { Value = Directory });
            batch.BatchCommands.Add(record);
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"select id from {CatalogSchema.Store}"));
            _store = (Guid)(await batch.ExecuteScalarAsync())!;
            return _store;
        }
        catch
        {
            _storeId = null; // the database was away: ask again next time
            throw;
        }
    }

    async Task<string[]> RecordedDirectoriesAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"select snapshot_directories from {CatalogSchema.Store}");
        return await command.ExecuteScalarAsync(cancellationToken) as string[] ?? [];
    }

    public async Task<long> HeadAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"select coalesce(max(cursor), 0) from {CatalogSchema.Feed}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<Snapshot> GetAsync(SnapshotFormat format, CancellationToken cancellationToken)
    {
        await StoreIdAsync().WaitAsync(cancellationToken);
        while (true)
        {
            var head = await HeadAsync(cancellationToken);
            if (Find(format, head) is { } current) return current;
            var recent = Newest(format);
            var takenDown = recent is not null && await TakenDownSinceAsync(recent.Cursor, cancellationToken);
            if (recent is not null && recent.Cursor <= head && !takenDown && clock.GetUtcNow() - recent.MadeAt < settings.Value.SnapshotInterval)
                return recent;
            // Take-downs in a burst make one new snapshot, not one each: within the rebuild interval of the last build,
            // the snapshot that holds them is withheld (or already swept), not served, and none is made yet.
            if ((recent is null || takenDown) && _lastBuild.TryGetValue(format, out var built)
                && clock.GetUtcNow() - built < settings.Value.SnapshotRebuildInterval)
                throw new SnapshotWithheldException(settings.Value.SnapshotRebuildInterval - (clock.GetUtcNow() - built));
            // One build per format at a time, however often the feed moves: requests meanwhile wait for it.
            var build = _building.GetOrAdd(format, f => new Lazy<Task<Snapshot>>(() => BuildAsync(f, CancellationToken.None)));
            Snapshot made;
            try
            {
                made = await build.Value.WaitAsync(cancellationToken);
            }
            finally
            {
                if (build.Value.IsCompleted) _building.TryRemove(KeyValuePair.Create(format, build));
            }
            // A build that read the feed before this request's head may predate a take-down it saw: not served.
            if (made.Cursor >= head) return made;
        }
    }

    /// <summary>The snapshot to serve, opened: a file removed between choosing and opening it (a take-down swept it)
    /// is chosen again.</summary>
    public async Task<(Snapshot Snapshot, FileStream Content)> OpenAsync(SnapshotFormat format, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await GetAsync(format, cancellationToken);
            try
            {
                return (snapshot, new FileStream(snapshot.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true));
            }
            catch (FileNotFoundException) when (attempt < 5)
            {
            }
        }
    }

    /// <summary>
    /// Deletes every snapshot file made before a take-down (none is served any more, but each still holds the
    /// conversation), and builds abandoned half-way (a crash mid-export). Run periodically by
    /// <see cref="SnapshotSweep"/>, so the copies go even if no one asks for a snapshot again.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var store = await StoreIdAsync().WaitAsync(cancellationToken);
        var removed = 0;
        var directories = new[] { Directory, LegacyDirectory }.Concat(await RecordedDirectoriesAsync(cancellationToken))
            .Where(System.IO.Directory.Exists).Distinct(StringComparer.Ordinal);
        foreach (var path in directories.SelectMany(FilesIn).ToList())
        {
            if (!File.Exists(path)) continue; // went with its snapshot earlier in this sweep
            var name = Path.GetFileName(path);
            string? why;
            if (name.EndsWith(".tmp", StringComparison.Ordinal))
                why = clock.GetUtcNow() - File.GetLastWriteTimeUtc(path) > AbandonedAfter ? "an abandoned build" : null;
            else if (name.EndsWith(".count", StringComparison.Ordinal))
                why = File.Exists(path[..^".count".Length]) ? null : "the count of a removed snapshot";
            else if (NameOf(path) is not { } named || named.Store != store)
                why = "made from another store (or named before snapshots carried the store's identity)";
            else
                why = await TakenDownSinceAsync(named.Cursor, cancellationToken) ? "made before a take-down" : null;
            if (why is null) continue;
            // The count file goes first: without it the snapshot is never chosen again.
            File.Delete(path + ".count");
            File.Delete(path);
            removed++;
            logger.LogInformation("Removed snapshot file {File}: {Why}", name, why);
        }
        return removed;
    }

    static IEnumerable<string> FilesIn(string directory)
    {
        try
        {
            return System.IO.Directory.GetFiles(directory, "dataset-*", SearchOption.AllDirectories);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return []; // removed meanwhile, or not ours to read
        }
    }

    /// <summary>A build writes its temporary file continuously; one untouched this long was abandoned.</summary>
    static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    Snapshot? Find(SnapshotFormat format, long cursor)
    {
        var path = FileName(format, cursor);
        var meta = path + ".count";
        try
        {
            // The count file is written last: its time is when the snapshot was complete.
            return File.Exists(path) && File.Exists(meta)
                ? new Snapshot(path, cursor, long.Parse(File.ReadAllText(meta)), format, File.GetLastWriteTimeUtc(meta))
                : null;
        }
        catch (IOException)
        {
            return null; // pruned meanwhile
        }
    }

    /// <summary>The newest snapshot already made and still servable (nothing in it taken down since), without making
    /// one: what the download page describes.</summary>
    public async Task<Snapshot?> LatestAsync(SnapshotFormat format, CancellationToken cancellationToken)
    {
        await StoreIdAsync().WaitAsync(cancellationToken);
        var newest = Newest(format);
        return newest is null || await TakenDownSinceAsync(newest.Cursor, cancellationToken) ? null : newest;
    }

    Snapshot? Newest(SnapshotFormat format)
    {
        foreach (var path in System.IO.Directory.GetFiles(Directory, $"dataset-{_store:N}-*" + Extension(format)).OrderDescending())
        {
            if (NameOf(path) is { } named && named.Store == _store && Find(format, named.Cursor) is { } found)
                return found;
        }
        return null;
    }

    async Task<bool> TakenDownSinceAsync(long cursor, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"select exists (select 1 from {CatalogSchema.Feed} where cursor > $1 and op = 'delete')");
        command.Parameters.Add(new NpgsqlParameter { Value = cursor });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The store and the feed cursor in a snapshot file's name (<see cref="FileName"/>).</summary>
    static (Guid Store, long Cursor)? NameOf(string path)
    {
        var parts = Path.GetFileNameWithoutExtension(path).Split('-');
        return parts is ["dataset", var store, var cursor] && Guid.TryParseExact(store, "N", out var id) && long.TryParse(cursor, out var at)
            ? (id, at) : null;
    }

    static string Extension(SnapshotFormat format) => format == SnapshotFormat.Jsonl ? ".jsonl" : ".parquet";

    string FileName(SnapshotFormat format, long cursor) =>
        Path.Combine(Directory, $"dataset-{_store:N}-{cursor:D20}{Extension(format)}");

    async Task<Snapshot> BuildAsync(SnapshotFormat format, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        long cursor;
        await using (var head = new NpgsqlCommand($"select coalesce(max(cursor), 0) from {CatalogSchema.Feed}", connection, tx))
            cursor = (long)(await head.ExecuteScalarAsync(cancellationToken))!;
        if (Find(format, cursor) is { } ready) return ready;

        var target = FileName(format, cursor);
        var temporary = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
        long records;
        await using (var command = new NpgsqlCommand($"select record from {CatalogSchema.Feed} where op = 'upsert' order by cursor", connection, tx))
        await using (var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken))
        {
            records = format == SnapshotFormat.Jsonl
                ? await WriteJsonlAsync(reader, temporary, cancellationToken)
                : await WriteParquetAsync(reader, temporary, cursor, cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        File.Move(temporary, target, overwrite: true);
        await File.WriteAllTextAsync(target + ".count", records.ToString(), cancellationToken);
        _lastBuild[format] = clock.GetUtcNow();
        logger.LogInformation("Snapshot {Format} at cursor {Cursor}: {Records} records", format, cursor, records);
        Prune(format);
        return new Snapshot(target, cursor, records, format, File.GetLastWriteTimeUtc(target + ".count"));
    }

    static async Task<long> WriteJsonlAsync(NpgsqlDataReader reader, string path, CancellationToken cancellationToken)
    {
        long count = 0;
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using var writer = new StreamWriter(file, new UTF8Encoding(false), 1 << 16);
        writer.NewLine = "\n";
        while (await reader.ReadAsync(cancellationToken))
        {
            await writer.WriteLineAsync(reader.GetString(0));
            count++;
        }
        return count;
    }

    static async Task<long> WriteParquetAsync(NpgsqlDataReader reader, string path, long cursor, CancellationToken cancellationToken)
    {
        long count = 0;
        var metadata = new Dictionary<string, string>
        {
            [CursorMetadataKey] = cursor.ToString(),
            ["sharelm.schema_version"] = PublicRecord.CurrentSchemaVersion.ToString(),
        };
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        var batch = new List<ParquetRecord>(ParquetRowGroup);
        var first = true;
        async Task FlushAsync()
        {
            // Each batch is one row group appended to the file: memory holds one batch, never the dataset.
            await ParquetSerializer.SerializeAsync(batch, file, new ParquetOptions { Append = !first, CompressionMethod = CompressionMethod.Snappy },
                metadata, cancellationToken);
            first = false;
            batch.Clear();
        }
        while (await reader.ReadAsync(cancellationToken))
        {
            batch.Add(ParquetRecord.From(PublicRecord.FromJson(reader.GetString(0))!));
            count++;
            if (batch.Count == ParquetRowGroup) await FlushAsync();
        }
        if (batch.Count > 0 || first) await FlushAsync();
        return count;
    }

    void Prune(SnapshotFormat format)
    {
        foreach (var old in System.IO.Directory.GetFiles(Directory, $"dataset-{_store:N}-*" + Extension(format)).OrderDescending().Skip(KeepPerFormat))
        {
            try
            {
                File.Delete(old);
                File.Delete(old + ".count");
            }
            catch (IOException)
            {
                // Held open elsewhere; the next build or sweep removes it.
            }
        }
    }
}
