using System.Text.Json.Nodes;
using JasperFx.Events;
using Marten;
using Npgsql;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.ServiceDefaults.EventStore;
using Weasel.Core;

namespace ShareLM.Ops.Import;

public sealed record ImportSummary(long Read, long Imported, long Duplicates, long Rejected, TimeSpan Elapsed, string RejectsFile)
{
    public double PerSecond => Elapsed.TotalSeconds > 0 ? Imported / Elapsed.TotalSeconds : Imported;
}

public sealed record ImportProgress(long Rows, long Imported, long Duplicates, long Rejected, long Position, long Length);

/// <summary>
/// Brings an upstream dataset into the collection as already-public conversations. Rows are read with flat
/// memory and handled in batches through a two-stage pipeline: one batch is parsed, mapped and redacted on every
/// core while the one before it is written with PostgreSQL COPY (Marten's bulk event append, and beside it on a
/// connection of its own a bulk insert of their write models), never one append per conversation. Each
/// conversation's id is a UUIDv5 of (source, upstream id or content hash): ids already in the store are skipped,
/// so running the same import twice adds nothing and an interrupted import resumes where it stopped (a batch cut
/// short between its two tables is completed). Bad rows never abort the import: each is counted and written to
/// the rejects file with its line or row number and why.
/// </summary>
public sealed class ConversationImporter(DocumentStore store, NpgsqlDataSource db)
{
    public int BatchSize { get; init; } = 5_000;

    public async Task<ImportSummary> ImportAsync(string formatName, string path, string? source, string? rejectsPath,
        IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        if (!ImportFormats.All.TryGetValue(formatName, out var format))
            throw new ArgumentException($"Unknown format '{formatName}'. Known: {string.Join(", ", ImportFormats.All.Keys)}.");
        source = string.IsNullOrWhiteSpace(source) ? format.DefaultSource : source.Trim();
        rejectsPath ??= path + ".rejects.jsonl";
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(JasperFx.AutoCreate.CreateOrUpdate);

        long read = 0, imported = 0, duplicates = 0, rejected = 0;
        await using var rejects = new StreamWriter(rejectsPath, append: false);
        await using var reader = new UpstreamReader(path);
        var batch = new List<UpstreamRow>(BatchSize);
        Task writing = Task.CompletedTask;

        async Task FlushAsync()
        {
            var rows = batch.ToArray();
            batch.Clear();
            var mapped = new (UpstreamConversation? Conversation, string? Reason)[rows.Length];
            Parallel.For(0, rows.Length, new ParallelOptions { CancellationToken = cancellationToken }, i => mapped[i] = rows[i].Map(format));
            var now = DateTimeOffset.UtcNow;
            var fresh = new Dictionary<Guid, ConversationImported>();
            for (var i = 0; i < rows.Length; i++)
            {
                var (conversation, reason) = mapped[i];
                if (conversation is null)
                {
                    rejected++;
                    // JSON Lines count lines, Parquet counts rows.
                    var rejectedRow = new JsonObject { [reader.IsParquet ? "row" : "line"] = rows[i].Number, ["reason"] = reason ?? "rejected" };
                    if (rows[i].Raw is not null) rejectedRow["raw"] = Truncate(rows[i].Raw);
                    await rejects.WriteLineAsync(rejectedRow.ToJsonString());
                    continue;
                }
                var id = ConversationIds.ForImport(source, conversation.Identity);
                if (fresh.ContainsKey(id)) { duplicates++; continue; }
                fresh[id] = new ConversationImported(id, source, conversation.Identity, conversation.UpstreamUser, conversation.Model,
                    conversation.Turns, conversation.Rating, conversation.Language, conversation.Toxic, conversation.Redacted,
                    conversation.Demographics, conversation.Timestamp, now);
            }

            // The batch before this one must be in the store before this one looks for what is already there.
            await writing;
            var (streamed, documented) = await ExistingAsync(fresh.Keys, cancellationToken);
            var newStreams = fresh.Values.Where(e => !streamed.Contains(e.ConversationId)).ToList();
            // A write model without its stream, or the reverse, is what an interrupted run leaves: written now.
            var newDocuments = fresh.Values.Where(e => !documented.Contains(e.ConversationId)).ToList();
            duplicates += fresh.Count - newStreams.Count;
            writing = WriteAsync(newStreams, newDocuments, rows.Length, reader.Position, reader.IsParquet ? reader.TotalRows ?? 0 : reader.Length);
        }

        async Task WriteAsync(List<ConversationImported> newStreams, List<ConversationImported> newDocuments, int rows, long position, long length)
        {
            // The write models and the streams go in side by side on connections of their own; the ids checked
            // against both tables make any half-written batch whole on the next run.
            await Task.WhenAll(
                WriteDocumentsAsync(newDocuments, cancellationToken),
                WriteStreamsAsync(newStreams, cancellationToken));
            imported += newStreams.Count;
            read += rows;
            progress?.Report(new ImportProgress(read, imported, duplicates, rejected, position, length));
        }

        await foreach (var row in reader.ReadAsync(cancellationToken))
        {
            batch.Add(row);
            if (batch.Count >= BatchSize) await FlushAsync();
        }
        if (batch.Count > 0) await FlushAsync();
        await writing;
        return new ImportSummary(read, imported, duplicates, rejected, stopwatch.Elapsed, rejectsPath);
    }

    async Task WriteDocumentsAsync(List<ConversationImported> imported, CancellationToken cancellationToken)
    {
        if (imported.Count == 0) return;
        var states = imported.Select(e => new ConversationState().Fold([e])).ToList();
        // Ids were checked against the table just before: plain COPY, no staging table.
        await store.BulkInsertDocumentsAsync(states, BulkInsertMode.InsertsOnly, BatchSize, cancellationToken);
    }

    async Task WriteStreamsAsync(List<ConversationImported> imported, CancellationToken cancellationToken)
    {
        if (imported.Count == 0) return;
        var streams = imported.Select(e => StreamAction.Start(store.Events, e.ConversationId, [e])).ToList();
        foreach (var action in streams) action.AggregateType = typeof(ConversationState);
        await store.BulkInsertEventsAsync(streams, BatchSize, cancellationToken);
    }

    /// <summary>Which of these ids already have a stream, and which a write model.</summary>
    async Task<(HashSet<Guid> Streamed, HashSet<Guid> Documented)> ExistingAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            $"select id, true from {EventStoreSetup.Schema}.mt_streams where id = any($1) " +
            $"union all select id, false from {EventStoreSetup.Schema}.mt_doc_conversationstate where id = any($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        HashSet<Guid> streamed = [], documented = [];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) (reader.GetBoolean(1) ? streamed : documented).Add(reader.GetGuid(0));
        return (streamed, documented);
    }

    static string? Truncate(string? raw) => raw is { Length: > 500 } ? raw[..500] + "…" : raw;
}
