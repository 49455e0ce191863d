using MassTransit;
using ShareLM.ServiceDefaults.Hosting;

namespace ShareLM.ServiceDefaults.Messaging;

/// <summary>
/// MassTransit on RabbitMQ, the same way in every service: durable quorum queues, publisher confirms, a
/// message scheduler that is our own PostgreSQL-backed endpoint (RabbitMQ here has no delayed-exchange
/// plugin), immediate retries for transient errors and then scheduled redelivery through that scheduler.
/// </summary>
public static class BusSetup
{
    public static readonly Uri SchedulerAddress = QueueNames.Address(QueueNames.Scheduler);

    /// <summary>Scheduled redelivery intervals after the immediate retries are spent; then the _error queue.</summary>
    public static readonly TimeSpan[] RedeliveryIntervals = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)];

    public static IServiceCollection AddShareLMBus(this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator>? configure = null,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        var rabbit = ConnectionSettings.RabbitMq(builder.Configuration);
        var serviceName = builder.Environment.ApplicationName;
        var consumed = new ConsumedQueues();
        builder.Services.AddSingleton(consumed);
        builder.Services.AddOptions<WatchdogOptions>().BindConfiguration(WatchdogOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<ConsumerWatchdog>();
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            // MassTransit 8.4+ reports usage to its vendor over the internet by default; a privacy-first
            // service with no business calling out does not.
            x.ConfigureUsageTelemetryOptions(o => o.Enabled = false);
            x.AddMessageScheduler(SchedulerAddress);
            x.AddConsumeObserver<Telemetry.ConsumerFailureMetrics>();
            configure?.Invoke(x);
            x.AddConfigureEndpointsCallback((_, name, endpoint) =>
            {
                consumed.Add(name);
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                    rabbitEndpoint.SetQuorumQueue();
                if (name == QueueNames.Scheduler)
                {
                    // The scheduler cannot redeliver through itself: it retries in place, patiently.
                    endpoint.UseMessageRetry(r => r.Exponential(10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
                    return;
                }
                endpoint.UseScheduledRedelivery(r => r.Intervals(RedeliveryIntervals));
                endpoint.UseMessageRetry(r => r.Incremental(3, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)));
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, serviceName, h =>
                {
                    h.Username(rabbit.Username);
                    h.Password(rabbit.Password);
                    h.PublisherConfirmation = true;
                    h.Heartbeat(TimeSpan.FromSeconds(10));
                    if (rabbit.UseTls)
                    {
                        h.UseSsl(ssl =>
                        {
                            ssl.Protocol = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
                            ssl.ServerName = rabbit.Host; // the certificate is checked against the host named in the URI
                        });
                    }
                });
                cfg.UseMessageScheduler(SchedulerAddress);
                configureBus?.Invoke(context, cfg);
                cfg.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            // The services start (and answer /health/live) while the broker is away; readiness says so.
            o.WaitUntilStarted = false;
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder.Services;
    }
}
