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

    [Fact]
    public async Task The_examples_are_requests_the_endpoints_take_and_answers_they_give()
    {
        using var client = fixture.Stack[Service.Ingest].CreateClient();
        var document = await OpenApiDocument.ReadAsync(client);
        var paths = document.Json["paths"]!;
        JsonNode Example(string path, string method, string? status = null) => status is null
            ? paths[path]![method]!["requestBody"]!["content"]!["application/json"]!["example"]!
            : paths[path]![method]!["responses"]![status]!["content"]!["application/json"]!["example"]!;

        var registered = await client.PostAsync("/v1/contributors", Clients.RawJson(Example("/v1/contributors", "post").ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var registration = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(Keys(Example("/v1/contributors", "post", "201").AsObject()), Keys(registration));

        var contributor = new Contributor(Guid.Parse((string)registration["contributorId"]!), (string)registration["token"]!);
        var captured = await client.SendAsync(contributor, HttpMethod.Post, "/v1/conversations", Example("/v1/conversations", "post"));
        Assert.Equal(HttpStatusCode.Accepted, captured.StatusCode);
        Assert.Equal(Keys(Example("/v1/conversations", "post", "202").AsObject()), Keys(JsonNode.Parse(await captured.Content.ReadAsStringAsync())!.AsObject()));

        // Every problem response has an example, of its own status and of the shape every problem takes.
        var problems = 0;
        foreach (var (_, operations) in paths.AsObject())
            foreach (var (_, operation) in operations!.AsObject())
                foreach (var (status, response) in operation!["responses"]!.AsObject())
                    if (response!["content"]?["application/problem+json"] is { } problem)
                    {
                        problems++;
                        Assert.Equal(int.Parse(status), (int)problem["example"]!["status"]!);
                        Assert.Equal(["detail", "status", "title", "traceId", "type"], Keys(problem["example"]!.AsObject()));
                    }
        Assert.True(problems > 20);
    }

    static List<string> Keys(JsonObject json) => [.. json.Select(p => p.Key).Order()];
}
