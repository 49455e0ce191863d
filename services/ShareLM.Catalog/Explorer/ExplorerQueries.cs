using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Projection;

namespace ShareLM.Catalog.Explorer;

public sealed record BrowseRow(Guid Id, long Cursor, string Model, string Source, string Language, string Rate, DateTimeOffset? PublishedAt, string Preview);

public sealed record BrowseResults(IReadOnlyList<BrowseRow> Rows, long? NextBefore);

/// <summary>What a stored conversation is to the explorer: public (with its record), taken down, or never public.</summary>
public abstract record StoredConversation
{
    public sealed record Public(PublicRecord Record, string Json, long Cursor) : StoredConversation;
    public sealed record TakenDown : StoredConversation;
    public sealed record Unknown : StoredConversation;
}

/// <summary>
/// The explorer's reads, all from the public feed (<see cref="CatalogSchema.Feed"/>): nothing a page shows comes from
/// anywhere else. Browse pages are keyset-paged on the feed cursor, newest first, so a page costs the same at any
/// depth; each filter has an index beside the cursor, the search a GIN index on the turns' words (see <see cref="BrowseAsync"/>).
/// </summary>
public sealed class ExplorerQueries(NpgsqlDataSource db, IOptions<CatalogOptions> settings)
{
    public const int PageSize = 20;
    const int PreviewLength = 240;

    public async Task<BrowseResults> BrowseAsync(BrowseQuery query, CancellationToken cancellationToken)
    {
        if (query.Search is null)
            return Page(await RowsAsync(query, upper: query.Before, lower: null, fromIndex: false, PageSize + 1, cancellationToken));

        // A search, newest first, two ways, so that neither a word in most records nor a rare one reads the whole feed:
        // the newest cursors in order first (a common word fills the page there), then, for what is missing, the
        // matches the full-text index finds below them (a rare word has few), sorted.
        long upper;
        if (query.Before is { } before) upper = before;
        else
        {
            await using var head = db.CreateCommand($"select coalesce(max(cursor), 0) + 1 from {CatalogSchema.Feed}");
            upper = (long)(await head.ExecuteScalarAsync(cancellationToken))!;
        }
        var lower = Math.Max(0, upper - settings.Value.SearchWindow);
        var rows = await RowsAsync(query, upper, lower, fromIndex: false, PageSize + 1, cancellationToken);
        if (rows.Count <= PageSize && lower > 0)
            rows.AddRange(await RowsAsync(query, lower, null, fromIndex: true, PageSize + 1 - rows.Count, cancellationToken));
        return Page(rows);
    }

    static BrowseResults Page(List<BrowseRow> rows)
    {
        if (rows.Count <= PageSize) return new BrowseResults(rows, null);
        rows.RemoveAt(PageSize);
        return new BrowseResults(rows, rows[^1].Cursor);
    }

    /// <summary>Records that match <paramref name="query"/>'s filters with <paramref name="lower"/> &lt;= cursor &lt;
    /// <paramref name="upper"/>, newest first; with <paramref name="fromIndex"/>, the search's matches are taken from the
    /// full-text index first (a materialized set), then sorted.</summary>
    async Task<List<BrowseRow>> RowsAsync(BrowseQuery query, long? upper, long? lower, bool fromIndex, int limit, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand();
        string Parameter(object value, NpgsqlDbType? type = null)
        {
            command.Parameters.Add(type is { } t ? new NpgsqlParameter { Value = value, NpgsqlDbType = t } : new NpgsqlParameter { Value = value });
            return "$" + command.Parameters.Count;
        }
        var sql = new StringBuilder();
        var conditions = new List<string> { "f.op = 'upsert'" };
        if (query.Search is { } search)
        {
            var match = $"search @@ websearch_to_tsquery('simple', {Parameter(search)})";
            if (fromIndex)
            {
                sql.Append($"with matches as materialized (select conversation_id from {CatalogSchema.Feed} where {match}");
                if (upper is { } u) sql.Append($" and cursor < {Parameter(u)}");
                sql.Append(") ");
                conditions.Add("f.conversation_id in (select conversation_id from matches)");
            }
            else conditions.Add("f." + match);
        }
        if (query.Model is { } model) conditions.Add($"f.model = {Parameter(model)}");
        if (query.Source is { } source) conditions.Add($"f.source = {Parameter(source)}");
        if (query.Language is { } language) conditions.Add($"f.language = {Parameter(language)}");
        if (query.Rating is { } rating) conditions.Add($"f.rate = {Parameter(rating == "unrated" ? "" : rating)}");
        if (query.From is { } from) conditions.Add($"f.published_at >= {Parameter(from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), NpgsqlDbType.TimestampTz)}");
        if (query.To is { } to) conditions.Add($"f.published_at < {Parameter(to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), NpgsqlDbType.TimestampTz)}");
        if (upper is { } before) conditions.Add($"f.cursor < {Parameter(before)}");
        if (lower is { } after) conditions.Add($"f.cursor >= {Parameter(after)}");
        sql.Append($"""
            select f.conversation_id, f.cursor, coalesce(f.model, ''), coalesce(f.source, ''), coalesce(f.language, ''), coalesce(f.rate, ''), f.published_at,
                   left((f.record::jsonb) -> 'conversation' -> 0 ->> 'content', {PreviewLength})
            from {CatalogSchema.Feed} f where {string.Join(" and ", conditions)}
            order by f.cursor desc limit {limit}
            """);
        command.CommandText = sql.ToString();

        var rows = new List<BrowseRow>(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new BrowseRow(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? "" : reader.GetString(7)));
        return rows;
    }

    public async Task<StoredConversation> ConversationAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"select op, record, cursor from {CatalogSchema.Feed} where conversation_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return new StoredConversation.Unknown();
        if (reader.GetString(0) != "upsert" || reader.IsDBNull(1)) return new StoredConversation.TakenDown();
        var json = reader.GetString(1);
        return PublicRecord.FromJson(json) is { } record
            ? new StoredConversation.Public(record, json, reader.GetInt64(2))
            : new StoredConversation.Unknown();
    }
}
