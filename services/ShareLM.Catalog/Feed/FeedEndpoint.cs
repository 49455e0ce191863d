using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Projection;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Catalog.Feed;

/// <summary>
/// GET /v1/feed?after={cursor}&amp;limit={n}: the log-compacted change feed as NDJSON, one line per
/// conversation that changed after the cursor, in increasing cursor order. <c>X-Next-Cursor</c> says where to
/// continue (also as a <c>Link: rel="next"</c>); <c>X-Feed-Head</c> is the newest cursor. A mirror that applies
/// the feed from 0 holds the current dataset; one that keeps following learns of every take-down. A page stops at
/// its limit or at <c>Catalog:FeedPageMaxBytes</c> of records, and is streamed.
/// </summary>
public static class FeedEndpoint
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1_000;
    public const string NextCursorHeader = "X-Next-Cursor";
    public const string HeadHeader = "X-Feed-Head";

    public static RouteGroupBuilder MapFeed(this RouteGroupBuilder group)
    {
        group.MapGet("/feed", ReadAsync).Produces(200, contentType: "application/x-ndjson").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The change feed after a cursor: one NDJSON line per upsert (with the record) or delete");
        return group;
    }

    public static bool TryParseCursor(string? value, out long cursor)
    {
        cursor = 0;
        if (value is null) return true;
        return value.Length <= 19 && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out cursor) && cursor >= 0;
    }

    static async Task<IResult> ReadAsync(HttpContext http, NpgsqlDataSource db, IOptions<CatalogOptions> settings, string? after, string? limit, CancellationToken cancellationToken)
    {
        if (!TryParseCursor(after, out var from))
            return Problems.BadRequest("after", "'after' must be a feed cursor: a whole number from 0.");
        var take = DefaultLimit;
        if (limit is not null && (limit.Length > 9 || !int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1 || take > MaxLimit))
            return Problems.BadRequest("limit", $"'limit' must be a whole number from 1 to {MaxLimit}.");

        // One snapshot for the page's bounds and its rows: where the page ends (its limit, or its byte budget) is
        // known before the first byte is sent, so the headers can say where to continue while the rows stream.
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        long head, last;
        await using (var bounds = new NpgsqlCommand($"""
            select coalesce((select max(cursor) from {CatalogSchema.Feed}), 0),
                   coalesce((select max(cursor) from (
                       select cursor, sum(coalesce(octet_length(record), 0) + {LineOverheadBytes}) over (order by cursor) as bytes,
                              row_number() over (order by cursor) as n
                       from (select cursor, record from {CatalogSchema.Feed} where cursor > $1 order by cursor limit $2) page) sized
                     where bytes <= $3 or n = 1), $1)
            """, connection, tx))
        {
            bounds.Parameters.Add(new NpgsqlParameter { Value = from });
            bounds.Parameters.Add(new NpgsqlParameter { Value = take });
            bounds.Parameters.Add(new NpgsqlParameter { Value = (long)settings.Value.FeedPageMaxBytes });
            await using var reader = await bounds.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            head = reader.GetInt64(0);
            last = reader.GetInt64(1);
        }

        var next = Math.Max(last, from);
        http.Response.Headers[NextCursorHeader] = next.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers[HeadHeader] = head.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.Link = $"</v1/feed?after={next}&limit={take}>; rel=\"next\"";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        await using (var page = new NpgsqlCommand(
            $"select cursor, op, conversation_id, record from {CatalogSchema.Feed} where cursor > $1 and cursor <= $2 order by cursor", connection, tx))
        {
            page.Parameters.Add(new NpgsqlParameter { Value = from });
            page.Parameters.Add(new NpgsqlParameter { Value = last });
            await using var reader = await page.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
            await using var body = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
            while (await reader.ReadAsync(cancellationToken))
            {
                var cursor = reader.GetInt64(0);
                var op = reader.GetString(1);
                var conversation = reader.GetGuid(2);
                if (op == "upsert")
                {
                    await body.WriteAsync($"{{\"cursor\":{cursor},\"op\":\"upsert\",\"record\":");
                    await body.WriteAsync(reader.GetString(3));
                    await body.WriteLineAsync("}");
                }
                else
                {
                    await body.WriteLineAsync($"{{\"cursor\":{cursor},\"op\":\"delete\",\"conversation_id\":\"{conversation:D}\"}}");
                }
            }
        }
        await tx.CommitAsync(cancellationToken);
        return Results.Empty;
    }

    /// <summary>What a line adds to its record: the cursor, the op, the braces.</summary>
    const int LineOverheadBytes = 64;
}
