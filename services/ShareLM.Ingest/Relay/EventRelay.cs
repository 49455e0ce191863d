using System.Diagnostics;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using ShareLM.ServiceDefaults.Telemetry;
using Domain = ShareLM.Events;
using Integration = ShareLM.Messages;

namespace ShareLM.Ingest.Relay;

/// <summary>
/// Relays committed events to RabbitMQ as integration messages. A Marten subscription run by the async
/// daemon (one active instance at a time): it gets a page of committed events, publishes their messages
/// concurrently, and only then does the daemon checkpoint the page. So an accepted conversation reaches the
/// bus even if the broker was down when it was accepted, and the request path never waits on the broker.
/// Publishing retries until it succeeds (an exception escaping would pause the subscription); each
/// message's id is its event's id, so a page published twice is recognisably the same messages.
/// </summary>
public sealed class EventRelay : SubscriptionBase
{
    public const string SubscriptionName = "bus-relay";

    readonly IBus _bus;
    readonly ILogger<EventRelay> _logger;
    readonly ResiliencePipeline _publishing;

    public EventRelay(IBus bus, ILogger<EventRelay> logger)
    {
        _bus = bus;
        _logger = logger;
        Name = SubscriptionName;
        IncludeType<Domain.ConversationCaptured>();
        IncludeType<Domain.ConversationRevised>();
        IncludeType<Domain.ConversationExtended>();
        IncludeType<Domain.ConversationRated>();
        IncludeType<Domain.PublicationRequested>();
        IncludeType<Domain.DeletionRequested>();
        IncludeType<Domain.ConversationPublished>();
        IncludeType<Domain.ConversationDeleted>();
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
        // before the next poll; with 32 the relay fell thousands of events behind.
        using var gate = new SemaphoreSlim(128);
        await Task.WhenAll(page.Events.Select(async e =>
        {
            if (ToMessage(e) is not { } message) return;
            await gate.WaitAsync(cancellationToken);
            try
            {
                await PublishAsync(e, message, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        return NullChangeListener.Instance;
    }

    async Task PublishAsync(IEvent e, object message, CancellationToken cancellationToken)
    {
        using var activity = ShareLMTelemetry.StartContinuing($"relay {e.EventTypeName}", ShareLMTelemetry.ContextOf(e), ActivityKind.Producer);
        activity?.SetTag("sharelm.conversation.id", e.StreamId);
        activity?.SetTag("sharelm.event.sequence", e.Sequence);
        await _publishing.ExecuteAsync(async ct =>
        {
            await _bus.Publish(message, message.GetType(), context =>
            {
                context.MessageId = e.Id;
                if (Guid.TryParse(e.CorrelationId, out var correlation)) context.CorrelationId = correlation;
                context.Headers.Set("sharelm-event-sequence", e.Sequence);
            }, ct);
        }, cancellationToken);
        ShareLMTelemetry.RelayLag.Record(Math.Max(0, (DateTimeOffset.UtcNow - e.Timestamp).TotalSeconds));
    }

    /// <summary>Domain event to integration message: ids, revisions and times only.</summary>
    public static object? ToMessage(IEvent e) => e.Data switch
    {
        Domain.ConversationCaptured x => new Integration.ConversationCaptured(x.ConversationId, 1, x.PublishAt, x.Source, e.Sequence, e.Timestamp),
        Domain.ConversationRevised x => new Integration.ConversationRevised(x.ConversationId, x.Revision, x.PublishAt, e.Sequence, e.Timestamp),
        // For Retention and the Catalog a revision is a revision, however much of it was stored.
        Domain.ConversationExtended x => new Integration.ConversationRevised(x.ConversationId, x.Revision, x.PublishAt, e.Sequence, e.Timestamp),
        Domain.ConversationRated x => new Integration.ConversationRated(x.ConversationId, x.Revision, x.PublishAt, e.Sequence, e.Timestamp),
        Domain.PublicationRequested x => new Integration.PublicationRequested(x.ConversationId, x.Revision, e.Sequence, e.Timestamp),
        Domain.DeletionRequested x => new Integration.DeletionRequested(x.ConversationId, x.RequestedBy, e.Sequence, e.Timestamp),
        Domain.ConversationPublished x => new Integration.ConversationPublished(x.ConversationId, x.Revision, x.Reason, e.Sequence, x.PublishedAt),
        Domain.ConversationDeleted x => new Integration.ConversationDeleted(x.ConversationId, x.WasPublic, e.Sequence, x.DeletedAt),
        _ => null,
    };
}
