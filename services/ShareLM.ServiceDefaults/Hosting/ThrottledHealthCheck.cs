using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ShareLM.ServiceDefaults.Hosting;

/// <summary>
/// Runs a check against a dependency at most once per interval, however often readiness is asked for: each
/// PostgreSQL check opens a connection of its own (a new server process), and the health endpoints are as
/// reachable as the API, so without this a flood of <c>/health/ready</c> would become a flood of connections.
/// Callers within the interval get the last result; callers while a check runs share it.
/// </summary>
public sealed class ThrottledHealthCheck(IHealthCheck inner, TimeSpan interval, TimeProvider? clock = null) : IHealthCheck
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    sealed record Outcome(HealthCheckResult Result, DateTimeOffset At);

    readonly TimeProvider _clock = clock ?? TimeProvider.System;
    readonly Lock _gate = new();
    Outcome? _last;
    Task<HealthCheckResult>? _running;

    public ThrottledHealthCheck(IHealthCheck inner) : this(inner, DefaultInterval) { }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _last) is { } last && _clock.GetUtcNow() - last.At < interval) return Task.FromResult(last.Result);
        Task<HealthCheckResult> running;
        lock (_gate)
        {
            if (_running is null || _running.IsCompleted) _running = RunAsync(context);
            running = _running;
        }
        return running.WaitAsync(cancellationToken);
    }

    async Task<HealthCheckResult> RunAsync(HealthCheckContext context)
    {
        HealthCheckResult result;
        try
        {
            // The inner checks bound themselves with timeouts; one caller giving up does not cancel the others' check.
            result = await inner.CheckHealthAsync(context, CancellationToken.None);
        }
        catch (Exception e)
        {
            result = new HealthCheckResult(context.Registration.FailureStatus, exception: e);
        }
        Volatile.Write(ref _last, new Outcome(result, _clock.GetUtcNow()));
        return result;
    }
}
