using Microsoft.Extensions.Diagnostics.HealthChecks;
using ShareLM.ServiceDefaults.Hosting;

namespace ShareLM.ServiceDefaults.Tests;

/// <summary>A flood of readiness requests reaches a dependency at most once per interval.</summary>
public sealed class ThrottledHealthCheckTests
{
    sealed class Dependency : IHealthCheck
    {
        public int Checks;
        public TaskCompletionSource? Gate;
        public bool Up = true;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Checks);
            if (Gate is not null) await Gate.Task;
            return Up ? HealthCheckResult.Healthy() : throw new InvalidOperationException("connection refused");
        }
    }

    readonly FakeClock _clock = new();
    readonly Dependency _dependency = new();
    readonly ThrottledHealthCheck _check;
    readonly HealthCheckContext _context;

    public ThrottledHealthCheckTests()
    {
        _check = new ThrottledHealthCheck(_dependency, TimeSpan.FromSeconds(1), _clock);
        _context = new HealthCheckContext { Registration = new HealthCheckRegistration("postgres", _check, HealthStatus.Unhealthy, ["ready"]) };
    }

    [Fact]
    public async Task Concurrent_and_repeated_requests_within_the_interval_check_once()
    {
        _dependency.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var flood = Enumerable.Range(0, 200).Select(_ => _check.CheckHealthAsync(_context)).ToArray();
        _dependency.Gate.SetResult();
        Assert.All(await Task.WhenAll(flood), r => Assert.Equal(HealthStatus.Healthy, r.Status));
        for (var i = 0; i < 200; i++) await _check.CheckHealthAsync(_context);
        Assert.Equal(1, _dependency.Checks);
    }

    [Fact]
    public async Task After_the_interval_the_dependency_is_checked_again_and_a_failure_is_reported_as_the_registrations_failure_status()
    {
        await _check.CheckHealthAsync(_context);
        _dependency.Up = false;
        Assert.Equal(HealthStatus.Healthy, (await _check.CheckHealthAsync(_context)).Status); // within the interval
        _clock.Now += TimeSpan.FromSeconds(1.5);
        var result = await _check.CheckHealthAsync(_context);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("connection refused", result.Exception?.Message);
        Assert.Equal(2, _dependency.Checks);
    }
}
