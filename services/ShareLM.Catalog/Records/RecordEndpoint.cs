using Npgsql;
using ShareLM.Catalog.Projection;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Catalog.Records;

/// <summary>GET /v1/records/{id}: one public record; 410 once taken down; 404 when never public (held ones included).</summary>
public static class RecordEndpoint
{
    public static RouteGroupBuilder MapRecords(this RouteGroupBuilder group)
    {
        group.MapGet("/records/{id}", GetAsync).Produces<PublicRecord>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone).WithSummary("One public record");
        return group;
    }

    static async Task<IResult> GetAsync(string id, HttpContext http, NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        // A cache must ask again every time: a record can be taken down at any moment.
        http.Response.Headers.CacheControl = "no-cache";
        if (!Guid.TryParse(id, out var conversationId)) return Problems.NotFound("No public record has that id.");
        await using var command = db.CreateCommand($"select op, record from {CatalogSchema.Feed} where conversation_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = conversationId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return Problems.NotFound("No public record has that id.");
        if (reader.GetString(0) == "delete") return Problems.Gone("This conversation was taken down.");
        return Results.Text(reader.GetString(1), "application/json", System.Text.Encoding.UTF8);
    }
}
