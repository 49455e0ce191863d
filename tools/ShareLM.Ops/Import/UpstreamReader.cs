using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Serialization;

namespace ShareLM.Ops.Import;

/// <summary>
/// One input row: its line (JSONL) or row (Parquet) number, and the row, or why it could not be read, or (for a
/// JSON line) its text still to be parsed, which <see cref="Map"/> does (the importer calls it in parallel).
/// </summary>
public sealed record UpstreamRow(long Number, JsonElement? Row, string? Error, string? Raw)
{
    /// <summary>The row in the unified shape, or why it is rejected.</summary>
    public (UpstreamConversation? Conversation, string? Reason) Map(ImportFormats.Format format)
    {
        if (Error is not null) return (null, Error);
        try
        {
            if (Row is { } parsed) return MapObject(format, parsed);
            if (Raw is null) return (null, "empty row");
            // A pooled document, released as soon as the row is mapped: no tree of nodes per row.
            using var document = JsonDocument.Parse(Raw);
            return MapObject(format, document.RootElement);
        }
        catch (JsonException e)
        {
            return (null, "invalid JSON: " + e.Message.Split(" Path:")[0]);
        }
        catch (RowRejected e)
        {
            return (null, e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            return (null, "unreadable row: " + e.Message);
        }
    }

    static (UpstreamConversation?, string?) MapObject(ImportFormats.Format format, JsonElement row) =>
        row.ValueKind == JsonValueKind.Object ? (format.Map(row), null) : (null, "the line is not a JSON object");
}

/// <summary>
/// Reads an upstream file row by row with flat memory: JSON Lines (plain or gzip-compressed, by content) or
/// Parquet (one row group at a time). <see cref="Position"/> and <see cref="Length"/> drive the progress bar.
/// </summary>
public sealed class UpstreamReader(string path) : IAsyncDisposable
{
    readonly FileStream _file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);

    public long Length => _file.Length;
    public long Position { get; private set; }
    public long? TotalRows { get; private set; }
    public bool IsParquet { get; private set; }

    public async IAsyncEnumerable<UpstreamRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var magic = new byte[4];
        var read = await _file.ReadAsync(magic, cancellationToken);
        _file.Position = 0;
        if (read == 4 && magic.AsSpan().SequenceEqual("PAR1"u8))
        {
            IsParquet = true;
            await foreach (var row in ReadParquetAsync(cancellationToken)) yield return row;
            yield break;
        }
        Stream text = read >= 2 && magic[0] == 0x1F && magic[1] == 0x8B ? new GZipStream(_file, CompressionMode.Decompress, leaveOpen: true) : _file;
        using var reader = new StreamReader(text, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true);
        long number = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            number++;
            Position = _file.Position;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return new UpstreamRow(number, null, null, line);
        }
        Position = Length;
    }

    async IAsyncEnumerable<UpstreamRow> ReadParquetAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        int groups;
        await using (var reader = await ParquetReader.CreateAsync(_file, leaveStreamOpen: true, cancellationToken: cancellationToken))
        {
            groups = reader.RowGroupCount;
            TotalRows = Enumerable.Range(0, groups).Sum(g => reader.OpenRowGroupReader(g).RowCount);
        }
        long number = 0;
        for (var g = 0; g < groups; g++)
        {
            _file.Position = 0;
            var result = await ParquetSerializer.DeserializeUntypedAsync(_file, null, g, cancellationToken);
            foreach (var dictionary in result.Data)
            {
                number++;
                JsonElement? row = null;
                string? error = null;
                try
                {
                    row = JsonSerializer.SerializeToElement(dictionary);
                }
                catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
                {
                    error = "unreadable row: " + e.Message;
                }
                Position = number;
                yield return new UpstreamRow(number, row, error, null);
            }
        }
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
