using System.Net;
using System.Text.Json.Nodes;

namespace ShareLM.Ingest.Tests;

/// <summary>The gateway's OpenAPI document lists every endpoint it maps, with its problems, and says what it answers.</summary>
public sealed class OpenApiTests(IngestOnlyFixture fixture) : IClassFixture<IngestOnlyFixture>
{
    [Fact]
    public async Task Every_endpoint_is_documented_with_its_problems_and_the_interactive_reference_is_served()
    {
        using var client = fixture.Stack[Service.Ingest].CreateClient();
        var document = await OpenApiDocument.ReadAsync(client);
        Assert.StartsWith("3.1", (string)document.Json["openapi"]!);
        Assert.Equal(OpenApiDocument.MappedEndpoints(fixture.Stack[Service.Ingest].Services), document.DocumentedEndpoints());

        Assert.Equal([202, 400, 401, 410, 413, 415, 429, 503], document.Statuses("POST", "/v1/conversations"));
        Assert.Equal([201, 400, 413, 415, 429, 503], document.Statuses("POST", "/v1/contributors"));
        Assert.Equal([200, 400, 409, 410, 413, 415, 429, 503], document.Statuses("POST", "/api/endpoint"));
        Assert.Contains(404, document.Statuses("DELETE", "/v1/conversations/{id}"));

        var docs = await client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.DoesNotContain("cdn.jsdelivr.net", await docs.Content.ReadAsStringAsync()); // the package's own script
    }

    [Fact]
    public async Task The_documented_response_schemas_are_what_the_endpoints_answer()
    {
        using var client = fixture.Stack[Service.Ingest].CreateClient();
        var document = await OpenApiDocument.ReadAsync(client);
        var registered = await client.PostAsync("/v1/contributors", Clients.RawJson("""{"termsVersion":"t","ageConfirmed":true}"""));
        var registration = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(document.ResponseProperties("POST", "/v1/contributors", 201), Keys(registration));

        var contributor = new Contributor(Guid.Parse((string)registration["contributorId"]!), (string)registration["token"]!);
        Assert.Equal(document.ResponseProperties("POST", "/v1/conversations", 202), Keys(await client.CaptureAsync(contributor, Clients.SimpleConversation("openapi"))));
        var listed = JsonNode.Parse(await (await client.SendAsync(contributor, HttpMethod.Get, "/v1/conversations")).Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(document.ResponseProperties("GET", "/v1/conversations", 200), Keys(listed));
        var refused = await client.SendAsync(contributor, HttpMethod.Get, $"/v1/conversations/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Subset(document.ResponseProperties("GET", "/v1/conversations/{id}", 404).ToHashSet(),
            Keys(JsonNode.Parse(await refused.Content.ReadAsStringAsync())!.AsObject()).Where(k => k is "type" or "title" or "status" or "detail").ToHashSet());
    }

    static List<string> Keys(JsonObject json) => [.. json.Select(p => p.Key).Order()];
}
