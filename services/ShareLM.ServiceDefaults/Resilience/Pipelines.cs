using Npgsql;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace ShareLM.ServiceDefaults.Resilience;

/// <summary>
/// Named Polly pipelines for calls that can fail transiently outside a consumer's own retry: database calls
/// from HTTP handlers and background loops, and the relay's publishes.
/// </summary>
public static class Pipelines
{
    /// <summary>Request-path database work: a short retry, a breaker that fails fast while PostgreSQL is away
    /// (so the gateway answers 503 promptly), and a timeout so no request hangs.</summary>
    public const string Database = "sharelm-database";

    /// <summary>Background database work (scheduler, erasure bookkeeping): patient retries.</summary>
    public const string BackgroundDatabase = "sharelm-background-database";

    public static IServiceCollection AddShareLMResilience(this IServiceCollection services)
    {
        services.AddResiliencePipeline(Database, builder => builder
            .AddTimeout(TimeSpan.FromSeconds(10))
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransientDatabaseFailure),
                MaxRetryAttempts = 2,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(100),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransientDatabaseFailure),
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(3),
            })
            .AddTimeout(TimeSpan.FromSeconds(5)));

        services.AddResiliencePipeline(BackgroundDatabase, builder => builder
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransientDatabaseFailure),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
            }));
        return services;
    }

    /// <summary>True for failures that say "PostgreSQL is unreachable or busy", not "this statement is wrong".</summary>
    public static bool IsTransientDatabaseFailure(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" or "08006" or "08001" or "08003" or "08004" } => true,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException } => true,
        TimeoutRejectedException => true,
        BrokenCircuitException => true,
        System.Net.Sockets.SocketException => true,
        TimeoutException => true,
        _ when exception.InnerException is { } inner && inner != exception => IsTransientDatabaseFailure(inner),
        _ => false,
    };
}
