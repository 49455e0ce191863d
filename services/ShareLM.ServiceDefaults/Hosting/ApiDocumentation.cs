using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Scalar.AspNetCore;

namespace ShareLM.ServiceDefaults.Hosting;

/// <summary>
/// Each service's OpenAPI 3.1 document, generated from its endpoints (<c>/openapi/v1.json</c>), and an interactive
/// reference at <c>/docs</c> (Scalar, from the package's own assets: no CDN). Problem responses every endpoint can
/// give are declared once here; the ones particular to an endpoint are declared where it is mapped.
/// </summary>
public static class ApiDocumentation
{
    public static IServiceCollection AddApiDocumentation(this IServiceCollection services, string title, string description,
        Action<Microsoft.AspNetCore.OpenApi.OpenApiOptions>? configure = null) =>
        services.AddOpenApi(o =>
        {
            configure?.Invoke(o);
            o.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_1;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = title;
                document.Info.Description = description;
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var examples = context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiExample>().ToList();
                if (examples.FirstOrDefault(e => e.Status is null) is { } request && operation.RequestBody?.Content is { } requestContent)
                    foreach (var media in requestContent.Values) media.Example = request.Json();
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    if (response.Content is null) continue;
                    foreach (var (type, media) in response.Content)
                    {
                        if (examples.FirstOrDefault(e => e.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) == status) is { } example)
                            media.Example = example.Json();
                        else if (type == "application/problem+json" && int.TryParse(status, out var code))
                            media.Example = ProblemExample(code);
                    }
                }
                return Task.CompletedTask;
            });
        });

    /// <summary>An example problem of the shape every error takes (RFC 7807), for a status.</summary>
    static System.Text.Json.Nodes.JsonNode ProblemExample(int status)
    {
        var (title, detail) = status switch
        {
            400 => ("Invalid request", "'messages' must hold at least one message."),
            401 => ("Unauthorized", "A valid bearer token is required."),
            404 => ("Not found", "No such resource."),
            409 => ("Conflict", "This upload would rewrite turns already sent."),
            410 => ("Gone", "This conversation was deleted."),
            413 => ("Payload too large", "The body is larger than 4194304 bytes."),
            415 => ("Unsupported media type", "Send application/json."),
            429 => ("Too many requests", "Slow down and retry after the indicated time."),
            503 => ("Service unavailable", "A dependency is unavailable; retry after the indicated time."),
            _ => (ReasonPhrases.GetReasonPhrase(status), ReasonPhrases.GetReasonPhrase(status)),
        };
        return new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = Http.Problems.TypeOf(title),
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        };
    }

    /// <summary>An example for an endpoint's document: its request body (no status) or its answer with that status.</summary>
    public sealed record ApiExample(int? Status, object Value)
    {
        public System.Text.Json.Nodes.JsonNode Json() =>
            System.Text.Json.JsonSerializer.SerializeToNode(Value, Value is System.Text.Json.Nodes.JsonNode ? null : ExampleJson)!;

        static readonly System.Text.Json.JsonSerializerOptions ExampleJson = new(System.Text.Json.JsonSerializerDefaults.Web);
    }

    /// <summary>Examples of this endpoint's request body (<paramref name="request"/>) and of its answers by status.</summary>
    public static RouteHandlerBuilder WithExamples(this RouteHandlerBuilder builder, object? request = null, params (int Status, object Value)[] responses)
    {
        if (request is not null) builder.WithMetadata(new ApiExample(null, request));
        foreach (var (status, value) in responses) builder.WithMetadata(new ApiExample(status, value));
        return builder;
    }

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi().ExcludeFromDescription();
        app.MapScalarApiReference("/docs", o => o.WithTitle(app.Environment.ApplicationName)).ExcludeFromDescription();
        return app;
    }

    /// <summary>What any endpoint of a service may answer: 503 with Retry-After while a dependency is away.</summary>
    public static TBuilder ProducesServiceProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>What an endpoint that reads a JSON body may answer besides: 400 (invalid), 413 (too large), 415 (not JSON).</summary>
    public static RouteHandlerBuilder AcceptsJson<TBody>(this RouteHandlerBuilder builder) where TBody : notnull =>
        builder.Accepts<TBody>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>What an endpoint behind a bearer token may answer besides: 401 (no valid token), 429 (too many requests).</summary>
    public static TBuilder ProducesAuthenticationProblems<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests);
}
