using System.Net.Http.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Retention.Tests;

/// <summary>The watchdog for endpoints that MassTransit believes attached while the broker has no consumer.</summary>
public sealed class ConsumerWatchdogTests(FullStackFixture fixture) : IClassFixture<FullStackFixture>
{
    [Fact]
    public async Task A_queue_without_a_consumer_at_the_broker_makes_the_process_exit_for_a_supervised_restart()
    {
        await using var retention = await fixture.Stack.StartInstanceAsync(Service.Retention, new Dictionary<string, string?>
        {
            ["Messaging:Watchdog:Interval"] = "00:00:01",
            ["Messaging:Watchdog:HardExitAfter"] = "00:00:00",
        });
        var lifetime = retention.GetRequiredService<IHostApplicationLifetime>();
        var bus = retention.GetRequiredService<IBusControl>();
        await Eventually.True(() => Task.FromResult(bus.CheckHealth().Status == BusHealthStatus.Healthy), TimeSpan.FromSeconds(30), "the bus");
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the watchdog fired while every queue had its consumer");

        // A queue this process is meant to consume, that has no consumer at the broker: the detached state.
        using var management = TestInfrastructure.Management(fixture.Environment.Infrastructure);
        (await management.PutAsJsonAsync($"/api/queues/{fixture.Environment.Name}/test-detached", new { durable = true })).EnsureSuccessStatusCode();
        retention.GetRequiredService<ConsumedQueues>().Add("test-detached");
        try
        {
            await Eventually.True(() => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested), TimeSpan.FromSeconds(20), "the watchdog to stop the process");
            Assert.Equal(ConsumerWatchdog.ExitCode, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = 0; // this is the test runner's process
        }
    }
}
