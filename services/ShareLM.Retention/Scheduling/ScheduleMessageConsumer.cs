using System.Text.Json;
using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using MassTransit.Serialization;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Retention.Scheduling;

/// <summary>
/// The scheduler endpoint: consumes MassTransit's own <see cref="ScheduleMessage"/> and
/// <see cref="CancelScheduledMessage"/> contracts (what <c>IMessageScheduler.ScheduleSend</c>, and scheduled
/// redelivery, send to <c>queue:sharelm-scheduler</c>) and keeps the schedule in PostgreSQL.
/// </summary>
public sealed class ScheduleMessageConsumer(ScheduleStore store, ILogger<ScheduleMessageConsumer> logger) :
    IConsumer<ScheduleMessage>,
    IConsumer<CancelScheduledMessage>
{
    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        var message = context.Message;
        // Re-serialise the payload as a complete envelope of its own message types, as it will be sent.
        var body = context.SerializerContext.GetMessageSerializer(message.Payload, message.PayloadType)
            .GetMessageBody(new MessageSendContext<ScheduleMessage>(message));

        var headers = context.Headers.GetAll().ToList();
        var scheduled = new ScheduleRow(
            message.CorrelationId,
            new DateTimeOffset(DateTime.SpecifyKind(message.ScheduledTime, DateTimeKind.Utc)),
            message.Destination,
            body.GetString(),
            context.ReceiveContext.ContentType?.ToString() ?? SystemTextJsonMessageSerializer.JsonContentType.ToString(),
            string.Join(";", message.PayloadType),
            context.MessageId,
            context.CorrelationId,
            context.ConversationId,
            context.InitiatorId,
            context.RequestId,
            context.SourceAddress?.ToString(),
            context.ResponseAddress?.ToString(),
            context.FaultAddress?.ToString(),
            context.ExpirationTime is { } expires ? new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) : null,
            headers.Count == 0 ? null : JsonSerializer.Serialize(headers, SystemTextJsonMessageSerializer.Options),
            ShareLMTelemetry.CurrentTraceParent());

        await store.UpsertAsync(scheduled, context.CancellationToken);
        logger.LogDebug("Scheduled {TokenId} for {DueAt} to {Destination}", scheduled.TokenId, scheduled.DueAt, scheduled.Destination);
    }

    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var removed = await store.CancelAsync(context.Message.TokenId, context.CancellationToken);
        logger.LogDebug("Cancel {TokenId}: {Outcome}", context.Message.TokenId, removed ? "removed" : "nothing pending");
    }
}
