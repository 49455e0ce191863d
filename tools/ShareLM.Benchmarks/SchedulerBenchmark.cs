using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Benchmarks;

/// <summary>A message the benchmark schedules through Retention's scheduler and receives back when due.</summary>
public sealed record SchedulerProbe(Guid Id, DateTimeOffset DueAt);

/// <summary>
/// The durable scheduler under load: how fast it accepts schedules (100,000 of them, due in an hour), then,
/// with those pending, how late it delivers messages coming due at 200 per second (due time to receipt by a
/// consumer, which includes the send and RabbitMQ's delivery).
/// </summary>
public static class SchedulerBenchmark
{
    const string ProbeQueue = "sharelm-bench-probe";

    sealed class ProbeConsumer(ConcurrentDictionary<Guid, DateTimeOffset> received) : IConsumer<SchedulerProbe>
    {
        public Task Consume(ConsumeContext<SchedulerProbe> context)
        {
            received.TryAdd(context.Message.Id, DateTimeOffset.UtcNow);
            return Task.CompletedTask;
        }
    }

    public static async Task<object> RunAsync(BenchSettings settings, int pending = 100_000, int duePerSecond = 200, int dueSeconds = 20)
    {
        var received = new ConcurrentDictionary<Guid, DateTimeOffset>();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddConfiguration(settings.Configuration);
        builder.Services.AddSingleton(received);
        builder.AddShareLMBus(x => x.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = ProbeQueue));
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        using var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();
        var scheduler = bus.CreateMessageScheduler(BusSetup.SchedulerAddress);
        var destination = new Uri($"exchange:{ProbeQueue}");
        await using var db = NpgsqlDataSource.Create(settings.Postgres);
        async Task<long> PendingAsync()
        {
            await using var command = db.CreateCommand("select count(*) from scheduler.scheduled_messages where destination like '%" + ProbeQueue + "%'");
            return (long)(await command.ExecuteScalarAsync())!;
        }

        try
        {
            Measure.Progress($"scheduler: scheduling {pending:N0} messages due in an hour");
            var far = DateTime.UtcNow.AddHours(1);
            var stopwatch = Stopwatch.StartNew();
            var gate = new SemaphoreSlim(64);
            await Task.WhenAll(Enumerable.Range(0, pending).Select(async i =>
            {
                await gate.WaitAsync();
                try { await scheduler.ScheduleSend(destination, far.AddMilliseconds(i), new SchedulerProbe(Guid.NewGuid(), far)); }
                finally { gate.Release(); }
            }));
            var sent = stopwatch.Elapsed;
            while (await PendingAsync() < pending && stopwatch.Elapsed < TimeSpan.FromMinutes(10)) await Task.Delay(250);
            var accepted = stopwatch.Elapsed;
            Measure.Progress($"scheduler: {pending:N0} accepted in {accepted.TotalSeconds:0.0}s; now {duePerSecond}/s coming due for {dueSeconds}s");

            var due = new Dictionary<Guid, DateTimeOffset>();
            var start = DateTimeOffset.UtcNow.AddSeconds(5);
            var batch = new List<Task>();
            for (var s = 0; s < dueSeconds; s++)
                for (var k = 0; k < duePerSecond; k++)
                {
                    var at = start.AddSeconds(s).AddMilliseconds(1000.0 * k / duePerSecond);
                    var probe = new SchedulerProbe(Guid.NewGuid(), at);
                    due[probe.Id] = at;
                    batch.Add(scheduler.ScheduleSend(destination, at.UtcDateTime, probe));
                }
            await Task.WhenAll(batch);
            var deadline = start.AddSeconds(dueSeconds + 30);
            while (received.Count < due.Count && DateTimeOffset.UtcNow < deadline) await Task.Delay(200);
            var lags = due.Where(d => received.ContainsKey(d.Key)).Select(d => (received[d.Key] - d.Value).TotalMilliseconds).ToList();
            return new
            {
                pending_schedules = pending,
                accepted_per_s = Math.Round(pending / accepted.TotalSeconds, 1),
                sent_per_s = Math.Round(pending / sent.TotalSeconds, 1),
                due_per_s = duePerSecond,
                due_messages = due.Count,
                delivered = lags.Count,
                due_to_received = Measure.Summary(lags),
            };
        }
        finally
        {
            await using (var cleanup = db.CreateCommand("delete from scheduler.scheduled_messages where destination like '%" + ProbeQueue + "%'"))
                await cleanup.ExecuteNonQueryAsync();
            await host.StopAsync();
        }
    }
}
