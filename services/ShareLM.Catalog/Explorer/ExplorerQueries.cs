using System.Text;
using Npgsql;
using NpgsqlTypes;
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
/// depth; each filter has an index beside the cursor, the search a GIN index on the turns' words.
/// </summary>
public sealed class ExplorerQueries(NpgsqlDataSource db)
{
    public const int PageSize = 20;
    const int PreviewLength = 240;

    public async Task<BrowseResults> BrowseAsync(BrowseQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"""
            select conversation_id, cursor, coalesce(model, ''), coalesce(source, ''), coalesce(language, ''), coalesce(rate, ''), published_at,
                   left((record::jsonb) -> 'conversation' -> 0 ->> 'content', {PreviewLength})
            from {CatalogSchema.Feed} where op = 'upsert'
            """);
        await using var command = db.CreateCommand();
        void Where(string condition, object value, NpgsqlDbType? type = null)
        {
            var parameter = type is { } t ? new NpgsqlParameter { Value = value, NpgsqlDbType = t } : new NpgsqlParameter { Value = value };
            command.Parameters.Add(parameter);
            sql.Append(" and ").Append(condition.Replace("?", "$" + command.Parameters.Count));
        }
        if (query.Search is { } search) Where("search @@ websearch_to_tsquery('simple', ?)", search);
        if (query.Model is { } model) Where("model = ?", model);
        if (query.Source is { } source) Where("source = ?", source);
        if (query.Language is { } language) Where("language = ?", language);
        if (query.Rating is { } rating) Where("rate = ?", rating == "unrated" ? "" : rating);
        if (query.From is { } from) Where("published_at >= ?", from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
        if (query.To is { } to) Where("published_at < ?", to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
        if (query.Before is { } before) Where("cursor < ?", before);
        sql.Append($" order by cursor desc limit {PageSize + 1}");
        command.CommandText = sql.ToString();

        var rows = new List<BrowseRow>(PageSize + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new BrowseRow(reader.GetGuid(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? "" : reader.GetString(7)));
        if (rows.Count <= PageSize) return new BrowseResults(rows, null);
        rows.RemoveAt(PageSize);
        return new BrowseResults(rows, rows[^1].Cursor);
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
