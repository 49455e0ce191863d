using MassTransit;

namespace ShareLM.ServiceDefaults.Telemetry;

/// <summary>Counts every consumer attempt that threw (before retries decide what happens next), by message type.</summary>
public sealed class ConsumerFailureMetrics : IConsumeObserver
{
    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        ShareLMTelemetry.ConsumerFailures.Add(1,
            new KeyValuePair<string, object?>("message_type", typeof(T).Name),
            new KeyValuePair<string, object?>("exception", exception.GetType().Name));
        return Task.CompletedTask;
    }
}
