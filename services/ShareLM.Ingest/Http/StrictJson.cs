using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ShareLM.ServiceDefaults.Http;

namespace ShareLM.Ingest.Http;

/// <summary>
/// Reads a request body as strictly as the API promises: application/json only (415), unknown fields,
/// wrong types, invalid UTF-8, duplicate or trailing content rejected (400, naming the field), and the size
/// limit enforced (413). Nothing is written before a body has passed.
/// </summary>
public static class StrictJson
{
    public static readonly JsonSerializerOptions Api = Create(JsonNamingPolicy.CamelCase);
    public static readonly JsonSerializerOptions Legacy = Create(JsonNamingPolicy.SnakeCaseLower);

    static JsonSerializerOptions Create(JsonNamingPolicy naming) => new()
    {
        PropertyNamingPolicy = naming,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
        AllowDuplicateProperties = false,
        RespectNullableAnnotations = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, JsonSerializerOptions options)
        where T : class
    {
        if (!request.HasJsonContentType())
            return (null, Problems.UnsupportedMediaType());
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, request.HttpContext.RequestAborted);
            return value is null
                ? (null, Problems.BadRequest("$", "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
            return (null, Problems.BadRequest(field, JsonProblemText.Describe(e, typeof(T), options)));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.TooLarge(request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0));
        }
        catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException or null)
        {
            return (null, Problems.BadRequest("$", "The body is not valid UTF-8 JSON."));
        }
        catch (DecoderFallbackException)
        {
            return (null, Problems.BadRequest("$", "The body is not valid UTF-8."));
        }
        catch (NotSupportedException)
        {
            // Its message names our types; the client only needs to know the shape was refused.
            return (null, Problems.BadRequest("$", "The body has a shape this endpoint does not accept."));
        }
    }
}
