using System.Globalization;
using System.Text;
using Npgsql;
using ShareLM.Catalog.Projection;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Catalog.Feed;

/// <summary>
/// GET /v1/feed?after={cursor}&amp;limit={n}: the log-compacted change feed as NDJSON, one line per
/// conversation that changed after the cursor, in increasing cursor order. <c>X-Next-Cursor</c> says where to
/// continue (also as a <c>Link: rel="next"</c>); <c>X-Feed-Head</c> is the newest cursor. A mirror that applies
/// the feed from 0 holds the current dataset; one that keeps following learns of every take-down.
/// </summary>
public static class FeedEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;
    public const string NextCursorHeader = "X-Next-Cursor";
    public const string HeadHeader = "X-Feed-Head";

    public static RouteGroupBuilder MapFeed(this RouteGroupBuilder group)
    {
        group.MapGet("/feed", ReadAsync).Produces(200, contentType: "application/x-ndjson");
        return group;
    }

    public static bool TryParseCursor(string? value, out long cursor)
    {
        cursor = 0;
        if (value is null) return true;
        return value.Length <= 19 && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out cursor) && cursor >= 0;
    }

    static async Task<IResult> ReadAsync(HttpContext http, NpgsqlDataSource db, string? after, string? limit, CancellationToken cancellationToken)
    {
        if (!TryParseCursor(after, out var from))
            return Problems.BadRequest("after", "'after' must be a feed cursor: a whole number from 0.");
        var take = DefaultLimit;
        if (limit is not null && (limit.Length > 9 || !int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > MaxLimit))
            return Problems.BadRequest("limit", $"'limit' must be a whole number from 1 to {MaxLimit}.");

        var lines = new List<(long Cursor, string Line)>(take);
        long head;
        await using (var batch = db.CreateBatch())
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"select coalesce((select max(cursor) from {CatalogSchema.Feed}), 0)"));
            var page = new NpgsqlBatchCommand($"select cursor, op, conversation_id, record from {CatalogSchema.Feed} where cursor > $1 order by cursor limit $2");
            page.Parameters.Add(new NpgsqlParameter { Value = from });
            page.Parameters.Add(new NpgsqlParameter { Value = take });
            batch.BatchCommands.Add(page);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            head = reader.GetInt64(0);
            await reader.NextResultAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var cursor = reader.GetInt64(0);
                var op = reader.GetString(1);
                lines.Add((cursor, op == "upsert"
                    ? $"{{\"cursor\":{cursor},\"op\":\"upsert\",\"record\":{reader.GetString(3)}}}"
                    : $"{{\"cursor\":{cursor},\"op\":\"delete\",\"conversation_id\":\"{reader.GetGuid(2):D}\"}}"));
            }
        }

        var next = lines.Count > 0 ? lines[^1].Cursor : Math.Max(from, 0);
        http.Response.Headers[NextCursorHeader] = next.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers[HeadHeader] = head.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.Link = $"</v1/feed?after={next}&limit={take}>; rel=\"next\"";
        http.Response.Headers.CacheControl = "no-cache";
        var body = new StringBuilder();
        foreach (var (_, line) in lines) body.Append(line).Append('\n');
        return Results.Text(body.ToString(), "application/x-ndjson", Encoding.UTF8);
    }
}
