using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ShareLM.Testing;

/// <summary>A service's OpenAPI document, read back: what it lists, and the properties of a documented response.</summary>
public sealed class OpenApiDocument(JsonObject document)
{
    public JsonObject Json => document;

    public static async Task<OpenApiDocument> ReadAsync(HttpClient client)
    {
        var response = await client.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return new OpenApiDocument(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>Every API endpoint the service maps ("GET /v1/feed"), route constraints dropped; health, metrics and docs left out,
    /// and the web pages (marked as excluded from the description).</summary>
    public static IReadOnlyList<string> MappedEndpoints(IServiceProvider services) =>
    [
        .. services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && !raw.StartsWith("/health", StringComparison.Ordinal) && !raw.StartsWith("/metrics", StringComparison.Ordinal)
                && !raw.StartsWith("/openapi", StringComparison.Ordinal) && !raw.StartsWith("/docs", StringComparison.Ordinal)
                && e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Path(e.RoutePattern.RawText!)}"))
            .Distinct().Order(),
    ];

    public IReadOnlyList<string> DocumentedEndpoints() =>
    [
        .. document["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject().Select(m => $"{m.Key.ToUpperInvariant()} {p.Key}")).Order(),
    ];

    /// <summary>The problem statuses documented for an operation.</summary>
    public IReadOnlyList<int> Statuses(string method, string path) =>
        [.. Operation(method, path)["responses"]!.AsObject().Select(r => int.Parse(r.Key)).Order()];

    /// <summary>The property names of the JSON schema documented for a response.</summary>
    public IReadOnlyList<string> ResponseProperties(string method, string path, int status)
    {
        var schema = Operation(method, path)["responses"]![status.ToString()]!["content"]!.AsObject()
            .First(c => c.Key.Contains("json", StringComparison.Ordinal)).Value!["schema"]!;
        return [.. Resolve(schema)["properties"]!.AsObject().Select(p => p.Key).Order()];
    }

    JsonObject Operation(string method, string path) => document["paths"]![path]![method.ToLowerInvariant()]!.AsObject();

    JsonObject Resolve(JsonNode schema)
    {
        var node = schema.AsObject();
        while (node["$ref"] is { } reference)
            node = document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!.AsObject();
        return node;
    }

    /// <summary>"/v1/conversations/{id:guid}" as OpenAPI writes it: "/v1/conversations/{id}".</summary>
    static string Path(string raw) => System.Text.RegularExpressions.Regex.Replace("/" + raw.TrimStart('/'), @"\{(\w+)(:[^}]*)?\}", "{$1}");
}
