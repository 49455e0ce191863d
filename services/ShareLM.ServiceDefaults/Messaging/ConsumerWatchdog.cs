using MassTransit;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using ShareLM.ServiceDefaults.Hosting;

namespace ShareLM.ServiceDefaults.Messaging;

/// <summary>The durable queues this process consumes, collected as MassTransit configures its endpoints.</summary>
public sealed class ConsumedQueues
{
    readonly HashSet<string> _names = [];
    readonly Lock _gate = new();

    public void Add(string name)
    {
        lock (_gate) _names.Add(name);
    }

    public IReadOnlyList<string> Names
    {
        get { lock (_gate) return [.. _names]; }
    }
}

/// <summary>
/// Guards against a receive endpoint that MassTransit believes is consuming while the broker has no
/// consumer on its queue: after a broker restart with messages in flight, MassTransit 8 can leave an endpoint
/// "ready" yet detached (a known class of MassTransit/RabbitMQ recovery bugs), and the queue then fills
/// while nothing reads it. Every few seconds this asks the broker (a passive declare) how many consumers
/// each of our queues has; when one has none for consecutive checks while the bus says it is healthy (or the
/// bus stays unhealthy while the broker is reachable), the process exits with <see cref="ExitCode"/> so that
/// its supervisor (deploy/local/supervise.sh, Docker's restart policy, systemd, Kubernetes) starts it afresh,
/// which re-attaches every endpoint; restarting the bus in-process does not (seen with MassTransit 8.5.12).
/// Nothing is lost: unacknowledged messages return to their queues and every consumer is idempotent. With
/// several instances a queue keeps consumers while one instance is attached, so only a total loss is
/// detected, which is the case that stalls work.
/// </summary>
public sealed class ConsumerWatchdog(ConsumedQueues queues, IBusControl bus, IConfiguration configuration,
    IHostApplicationLifetime lifetime, IOptions<WatchdogOptions> settings, ILogger<ConsumerWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = settings.Value;
        if (options.Interval <= TimeSpan.Zero) return;
        var rabbit = ConnectionSettings.RabbitMq(configuration);
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host,
            Port = rabbit.Port,
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username,
            Password = rabbit.Password,
            ClientProvidedName = "sharelm-consumer-watchdog",
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            Ssl = new SslOption { Enabled = rabbit.UseTls, ServerName = rabbit.Host },
        };
        var strikes = new Dictionary<string, int>();
        var unhealthy = 0;
        IConnection? connection = null;
        using var timer = new PeriodicTimer(options.Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (connection is not { IsOpen: true })
                    {
                        if (connection is not null) await connection.DisposeAsync();
                        connection = await factory.CreateConnectionAsync(stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The broker is away: MassTransit is reconnecting by itself; judge again once it is back.
                    logger.LogDebug(e, "Consumer watchdog cannot reach the broker");
                    strikes.Clear();
                    unhealthy = 0;
                    continue;
                }

                var detached = new List<string>();
                var attached = bus.CheckHealth().Status == BusHealthStatus.Healthy;
                try
                {
                    await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                    foreach (var queue in queues.Names)
                    {
                        var consumers = await channel.ConsumerCountAsync(queue, stoppingToken);
                        strikes[queue] = consumers == 0 && attached ? strikes.GetValueOrDefault(queue) + 1 : 0;
                        if (strikes[queue] >= options.Strikes) detached.Add(queue);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogDebug(e, "Consumer watchdog could not count consumers");
                    continue;
                }
                // The broker is up; a bus that stays unhealthy for long is not recovering by itself either.
                unhealthy = attached ? 0 : unhealthy + 1;
                var stuck = unhealthy >= options.Strikes * 6;
                if (detached.Count == 0 && !stuck) continue;

                logger.LogError("Exiting for a restart by the supervisor: {Reason}", stuck
                    ? $"the bus has reported {bus.CheckHealth().Status} for {unhealthy} checks while the broker is reachable"
                    : $"queues {string.Join(", ", detached)} have no consumer at the broker although the bus reports them consuming");
                Exit();
                return;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null) await connection.DisposeAsync();
        }
    }

    public const int ExitCode = 75; // EX_TEMPFAIL: try again

    void Exit()
    {
        Environment.ExitCode = ExitCode;
        lifetime.StopApplication();
        // If a stuck endpoint keeps the graceful stop from finishing, leave anyway.
        if (settings.Value.HardExitAfter > TimeSpan.Zero)
            _ = Task.Delay(settings.Value.HardExitAfter).ContinueWith(_ => Environment.Exit(ExitCode), TaskScheduler.Default);
    }
}
