using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Ingest.Relay;

/// <summary>
/// Relays committed events to RabbitMQ as integration messages. A Marten subscription run by the async
/// daemon (one active instance at a time): it gets a page of committed events, publishes their messages
/// concurrently, and only then does the daemon checkpoint the page. So an accepted conversation reaches the
/// bus even if the broker was down when it was accepted, and the request path never waits on the broker.
/// Publishing retries until it succeeds (an exception escaping would pause the subscription). Which events
/// become which messages is <see cref="RelayedMessage"/>'s.
/// </summary>
public sealed class EventRelay : SubscriptionBase
{
    public const string SubscriptionName = "bus-relay";

    readonly IBus _bus;
    readonly TimeProvider _clock;
    readonly ILogger<EventRelay> _logger;
    readonly ResiliencePipeline _publishing;

    public EventRelay(IBus bus, TimeProvider clock, ILogger<EventRelay> logger)
    {
        _bus = bus;
        _clock = clock;
        _logger = logger;
        Name = SubscriptionName;
        foreach (var type in RelayedMessage.RelayedTypes) IncludeType(type);
        Options.BatchSize = 500;
        Options.MaximumHopperSize = 5_000;
        _publishing = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException || e is TimeoutRejectedException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(5),
                OnRetry = args =>
                {
                    _logger.LogWarning(args.Outcome.Exception, "Relay publish failed (attempt {Attempt}); retrying", args.AttemptNumber + 1);
                    return default;
                },
            })
            .AddTimeout(TimeSpan.FromSeconds(15))
            .Build();
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        // Enough confirmations awaited at once that a page (up to 250 ms of captures under load) is on the bus
        // before the next poll.
        using var gate = new SemaphoreSlim(128);
        await Task.WhenAll(RelayedMessage.Of(page.Events).Select(async message =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await PublishAsync(message, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        return NullChangeListener.Instance;
    }

    async Task PublishAsync(RelayedMessage message, CancellationToken cancellationToken)
    {
        using var activity = message.StartActivity();
        await _publishing.ExecuteAsync(async ct =>
        {
            await _bus.Publish(message.Body, message.Body.GetType(), context =>
            {
                context.MessageId = message.MessageId;
                if (message.CorrelationId is { } correlation) context.CorrelationId = correlation;
                context.Headers.Set("sharelm-event-sequence", message.Events[0].Sequence);
            }, ct);
        }, cancellationToken);
        var now = _clock.GetUtcNow();
        foreach (var e in message.Events) ShareLMTelemetry.RelayLag.Record(Math.Max(0, (now - e.Timestamp).TotalSeconds));
    }
}
