using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using ShareLM.ServiceDefaults.Resilience;

namespace ShareLM.ServiceDefaults.Http;

/// <summary>
/// The last line: a dependency that is down becomes 503 with Retry-After (nothing was acknowledged, so the
/// client retries); a malformed request that the framework rejected keeps its 4xx; anything else is a bug,
/// logged with its trace id and answered as a problem without internals.
/// </summary>
public sealed class DependencyFailureHandler(ILogger<DependencyFailureHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted) return false;

        if (exception is BadHttpRequestException bad)
        {
            var status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest;
            await Problems.WriteAsync(httpContext, status, status == 413 ? "Payload too large" : "Invalid request", bad.Message);
            return true;
        }

        if (exception is ServiceUnavailableException || Pipelines.IsTransientDatabaseFailure(exception) || exception is OperationCanceledException && !httpContext.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Dependency unavailable while serving {Path}", httpContext.Request.Path);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problems.WriteAsync(httpContext, StatusCodes.Status503ServiceUnavailable, "Service unavailable",
                "A dependency is unavailable; nothing was stored. Retry later.");
            return true;
        }

        if (exception is OperationCanceledException) return true; // the client went away

        logger.LogError(exception, "Unhandled failure while serving {Path}", httpContext.Request.Path);
        await Problems.WriteAsync(httpContext, StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred.");
        return true;
    }
}

/// <summary>Thrown when this instance cannot take work now (stopping, or a dependency is known to be down): 503.</summary>
public sealed class ServiceUnavailableException(string message) : Exception(message);
