using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        });

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
