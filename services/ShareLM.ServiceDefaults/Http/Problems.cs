using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ShareLM.ServiceDefaults.Http;

/// <summary>RFC 7807 answers that name what was wrong. Every refusal of the public APIs goes through here.</summary>
public static class Problems
{
    public static ProblemHttpResult Status(int status, string title, string detail, string? field = null, string? reason = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = TypeOf(title) };
        if (field is not null) problem.Extensions["field"] = field;
        if (reason is not null) problem.Extensions["reason"] = reason;
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult BadRequest(string field, string detail) => Status(StatusCodes.Status400BadRequest, "Invalid request", detail, field);
    public static ProblemHttpResult NotFound(string detail = "No such resource.") => Status(StatusCodes.Status404NotFound, "Not found", detail);
    public static ProblemHttpResult Gone(string detail) => Status(StatusCodes.Status410Gone, "Gone", detail);
    public static ProblemHttpResult Unauthorized(string detail = "A valid bearer token is required.") => Status(StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    public static ProblemHttpResult UnsupportedMediaType(string detail = "Send application/json.") => Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail, "Content-Type");
    public static ProblemHttpResult TooManyRequests() => Status(StatusCodes.Status429TooManyRequests, "Too many requests", "Slow down and retry after the indicated time.");
    public static ProblemHttpResult TooLarge(long limit) => Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"The body is larger than {limit} bytes.");

    /// <summary>The problem type URI of a title (one per kind of problem).</summary>
    public static string TypeOf(string title) => $"https://sharelm.dev/problems/{Slug(title)}";

    static string Slug(string title) => string.Join('-', title.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Writes a problem directly (for middleware that runs outside endpoint results).</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, string? field = null)
    {
        var result = Status(status, title, detail, field);
        return result.ExecuteAsync(context);
    }
}
