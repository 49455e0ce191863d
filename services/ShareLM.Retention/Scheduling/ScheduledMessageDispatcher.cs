using System.Diagnostics;
using System.Net.Mime;
using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using Npgsql;
using ShareLM.Retention.Options;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Retention.Scheduling;

/// <summary>
/// Sends each scheduled message when it is due. Sleeps until the earliest due time, woken early by
/// NOTIFY when an earlier one is scheduled; any number of instances can run (rows are claimed with SKIP
/// LOCKED). Delivery is at-least-once: a crash between send and commit sends again, and every consumer of a
/// scheduled message decides from current state.
/// </summary>
public sealed class ScheduledMessageDispatcher(
    ScheduleStore store,
    IBus bus,
    Microsoft.Extensions.Options.IOptions<SchedulerOptions> settings,
    TimeProvider clock,
    ILogger<ScheduledMessageDispatcher> logger) : BackgroundService
{
    readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    /// <summary>When the loop will look again by itself (Unix ms); a schedule due later needs no wake-up.</summary>
    long _nextLookAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = Task.Run(() => ListenAsync(stoppingToken), stoppingToken);
        var options = settings.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Busy: every notification wakes the next wait, so nothing scheduled meanwhile is overlooked.
                Volatile.Write(ref _nextLookAt, long.MaxValue);
                await store.EnsureSchemaAsync(stoppingToken);
                int sent;
                do
                {
                    sent = await store.DispatchDueAsync(options.BatchSize, SendAsync, stoppingToken);
                } while (sent >= options.BatchSize && !stoppingToken.IsCancellationRequested);

                var next = await store.NextDueAsync(stoppingToken);
                var wait = options.MaxIdle;
                if (next is { } due)
                {
                    var untilDue = due - clock.GetUtcNow();
                    if (untilDue < wait) wait = untilDue < TimeSpan.Zero ? TimeSpan.FromMilliseconds(50) : untilDue;
                }
                Volatile.Write(ref _nextLookAt, (clock.GetUtcNow() + wait).ToUnixTimeMilliseconds());
                await _wake.WaitAsync(wait, stoppingToken);
                while (_wake.CurrentCount > 0) await _wake.WaitAsync(0, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Scheduler dispatch failed; retrying shortly");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    void Wake(string payload)
    {
        // Without a due time (an older writer, a cancellation) or due before the loop looks anyway: wake it.
        if (!long.TryParse(payload, System.Globalization.CultureInfo.InvariantCulture, out var due) || due < Volatile.Read(ref _nextLookAt))
            _wake.Release();
    }

    async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await store.DataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Wake(e.Payload);
                await using (var listen = new NpgsqlCommand($"listen {ScheduleStore.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                _wake.Release(); // anything scheduled while we were not listening
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogDebug(e, "Scheduler LISTEN connection lost; reconnecting");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    async Task<IReadOnlyList<Guid>> SendAsync(IReadOnlyList<ScheduleRow> due)
    {
        var results = await Task.WhenAll(due.Select(async message =>
        {
            var parent = ShareLMTelemetry.Parse(message.TraceParent);
            using var activity = ShareLMTelemetry.StartContinuing("scheduler.dispatch", parent, ActivityKind.Producer);
            activity?.SetTag("sharelm.schedule.token", message.TokenId);
            activity?.SetTag("messaging.destination.name", message.Destination.ToString());
            try
            {
                using var timeout = new CancellationTokenSource(settings.Value.SendTimeout);
                var endpoint = await bus.GetSendEndpoint(message.Destination);
                await endpoint.Send(new SerializedMessageBody(), new ForwardPipe(message), timeout.Token);
                ShareLMTelemetry.SchedulerLag.Record(Math.Max(0, (clock.GetUtcNow() - message.DueAt).TotalSeconds));
                return (message.TokenId, Sent: true);
            }
            catch (Exception e)
            {
                activity?.SetStatus(ActivityStatusCode.Error, e.Message);
                logger.LogWarning(e, "Could not send scheduled {TokenId} to {Destination}; it stays pending", message.TokenId, message.Destination);
                return (message.TokenId, Sent: false);
            }
        }));
        return results.Where(r => r.Sent).Select(r => r.TokenId).ToList();
    }

    /// <summary>Sends the stored envelope as it was scheduled: same body, message types, ids and headers.</summary>
    sealed class ForwardPipe(ScheduleRow message) : IPipe<SendContext>
    {
        public Task Send(SendContext context)
        {
            var deserializer = context.Serialization.GetMessageDeserializer(new ContentType(message.ContentType));
            var body = deserializer.GetMessageBody(message.Body);
            var headers = new DictionarySendHeaders();
            if (message.HeadersJson is { } json &&
                JsonSerializer.Deserialize<List<KeyValuePair<string, object>>>(json, SystemTextJsonMessageSerializer.Options) is { } stored)
            {
                foreach (var (key, value) in stored) headers.Set(key, value);
            }
            var serializerContext = deserializer.Deserialize(body, headers, message.Destination);

            if (message.MessageId is { } messageId) context.MessageId = messageId;
            context.RequestId = message.RequestId;
            context.ConversationId = message.ConversationId;
            context.CorrelationId = message.CorrelationId;
            context.InitiatorId = message.InitiatorId;
            context.SourceAddress = message.SourceAddress is { Length: > 0 } s ? new Uri(s) : null;
            context.ResponseAddress = message.ResponseAddress is { Length: > 0 } r ? new Uri(r) : null;
            context.FaultAddress = message.FaultAddress is { Length: > 0 } f ? new Uri(f) : null;
            if (message.ExpirationTime is { } expires) context.TimeToLive = expires - DateTimeOffset.UtcNow;
            foreach (var header in headers.GetAll()) context.Headers.Set(header.Key, header.Value);
            context.Headers.Set(MessageHeaders.SchedulingTokenId, message.TokenId.ToString());
            context.Serializer = serializerContext.GetMessageSerializer();
            return Task.CompletedTask;
        }

        public void Probe(ProbeContext context) { }
    }
}
