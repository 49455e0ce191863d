using Npgsql;
using ShareLM.Catalog.Projection;
using ShareLM.ServiceDefaults.Hosting;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Catalog.Records;

/// <summary>GET /v1/records/{id}: one public record; 410 once taken down; 404 when never public (held ones included).</summary>
public static class RecordEndpoint
{
    public static RouteGroupBuilder MapRecords(this RouteGroupBuilder group)
    {
        group.MapGet("/records/{id}", GetAsync).Produces<PublicRecord>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .WithExamples(null, (StatusCodes.Status200OK, System.Text.Json.JsonSerializer.SerializeToNode(Example, PublicRecord.Json)!))
            .WithSummary("One public record");
        return group;
    }

    static readonly PublicRecord Example = new(PublicRecord.CurrentSchemaVersion, "01938a4e-7c1d-7b9e-a3f0-5d2c8e9b1a47",
        [new PublicTurn("How do I keep a sourdough starter alive while I travel?", "user"),
         new PublicTurn("Feed it, let it rise for an hour, then keep it in the fridge.", "assistant")],
        "gpt-4o", "3f1d0c6b9a8e7d6c5b4a39281706f5e4", "2026-12-03T09:00:00.000Z", "sharelm-extension",
        new PublicUserMetadata("IL", "25-34", "woman"),
        new PublicConversationMetadata("thumbup", "en", "false", "", "", "", "published", [1]));

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
