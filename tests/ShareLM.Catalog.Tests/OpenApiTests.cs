using System.Net;
using System.Text.Json.Nodes;

namespace ShareLM.Catalog.Tests;

/// <summary>The Catalog's OpenAPI document lists every endpoint it maps, and says what they answer.</summary>
public sealed class OpenApiTests(CatalogFixture fixture) : IClassFixture<CatalogFixture>
{
    [Fact]
    public async Task Every_endpoint_is_documented_and_the_schemas_are_what_they_answer()
    {
        var document = await OpenApiDocument.ReadAsync(fixture.Catalog);
        Assert.StartsWith("3.1", (string)document.Json["openapi"]!);
        Assert.Equal(OpenApiDocument.MappedEndpoints(fixture.Stack[Service.Catalog].Services), document.DocumentedEndpoints());
        Assert.Equal([200, 404, 410, 503], document.Statuses("GET", "/v1/records/{id}"));
        Assert.Equal([200, 400, 503], document.Statuses("GET", "/v1/feed"));

        var stats = JsonNode.Parse(await fixture.Catalog.GetStringAsync("/v1/stats"))!.AsObject();
        Assert.Equal(document.ResponseProperties("GET", "/v1/stats", 200), [.. stats.Select(p => p.Key).Order()]);

        var contributor = await fixture.Ingest.RegisterAsync();
        var id = await fixture.PublishAsync(contributor, Clients.SimpleConversation("openapi-record"));
        var record = JsonNode.Parse(await fixture.Catalog.GetStringAsync($"/v1/records/{id}"))!.AsObject();
        Assert.Equal(document.ResponseProperties("GET", "/v1/records/{id}", 200), [.. record.Select(p => p.Key).Order()]);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Catalog.GetAsync("/docs")).StatusCode);
    }
}
