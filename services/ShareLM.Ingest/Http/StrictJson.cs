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
            return (null, Problems.BadRequest(field, $"The body is not valid for this endpoint at '{field}': {Describe(e)}"));
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
        catch (NotSupportedException e)
        {
            return (null, Problems.BadRequest("$", $"Unsupported JSON: {e.Message}"));
        }
    }

    // JsonException messages echo the path and a short reason but never the offending value.
    static string Describe(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
