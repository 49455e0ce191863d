using Microsoft.Net.Http.Headers;

namespace ShareLM.Catalog.Snapshots;

/// <summary>
/// GET /v1/dataset.jsonl and /v1/dataset.parquet: the whole current dataset, stamped with the feed cursor
/// it is consistent with (<c>X-Feed-Cursor</c>; in the Parquet file also as key-value metadata), so a mirror
/// can load a snapshot and then follow the feed from that cursor.
/// </summary>
public static class SnapshotEndpoints
{
    public const string CursorHeader = "X-Feed-Cursor";

    public static RouteGroupBuilder MapSnapshots(this RouteGroupBuilder group)
    {
        group.MapGet("/dataset.jsonl", (HttpContext http, SnapshotStore store, CancellationToken ct) => ServeAsync(http, store, SnapshotFormat.Jsonl, ct))
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson").WithSummary("The whole dataset as JSON lines, as of X-Feed-Cursor");
        group.MapGet("/dataset.parquet", (HttpContext http, SnapshotStore store, CancellationToken ct) => ServeAsync(http, store, SnapshotFormat.Parquet, ct))
            .Produces(StatusCodes.Status200OK, contentType: "application/vnd.apache.parquet").WithSummary("The whole dataset as Parquet, as of X-Feed-Cursor");
        return group;
    }

    static async Task<IResult> ServeAsync(HttpContext http, SnapshotStore store, SnapshotFormat format, CancellationToken cancellationToken)
    {
        // Opened here, so a take-down sweeping the file meanwhile cannot cut the answer short.
        Snapshot snapshot;
        FileStream content;
        try
        {
            (snapshot, content) = await store.OpenAsync(format, cancellationToken);
        }
        catch (SnapshotWithheldException withheld)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(withheld.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ShareLM.ServiceDefaults.Http.Problems.Status(StatusCodes.Status503ServiceUnavailable, "Snapshot withheld", withheld.Message);
        }
        http.Response.Headers[CursorHeader] = snapshot.Cursor.ToString();
        http.Response.Headers["X-Record-Count"] = snapshot.Records.ToString();
        // A cache (a proxy, a CDN, a browser) revalidates every time, so none serves a copy made before a take-down.
        http.Response.Headers.CacheControl = "no-cache";
        var name = format == SnapshotFormat.Jsonl ? "sharelm.jsonl" : "sharelm.parquet";
        var type = format == SnapshotFormat.Jsonl ? "application/x-ndjson" : "application/vnd.apache.parquet";
        return Results.File(content, type, name, lastModified: File.GetLastWriteTimeUtc(snapshot.Path),
            entityTag: new EntityTagHeaderValue($"\"{format.ToString().ToLowerInvariant()}-{snapshot.Cursor}\""), enableRangeProcessing: true);
    }
}
