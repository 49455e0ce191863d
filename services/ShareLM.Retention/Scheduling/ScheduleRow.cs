using MassTransit.Context;
using MassTransit.Serialization;

namespace ShareLM.Retention.Scheduling;

/// <summary>One pending message: MassTransit's envelope of the payload (ids only, never content) and where it goes.</summary>
public sealed record ScheduleRow(
    Guid TokenId,
    DateTimeOffset DueAt,
    Uri Destination,
    string Body,
    string ContentType,
    string MessageTypes,
    Guid? MessageId,
    Guid? CorrelationId,
    Guid? ConversationId,
    Guid? InitiatorId,
    Guid? RequestId,
    string? SourceAddress,
    string? ResponseAddress,
    string? FaultAddress,
    DateTimeOffset? ExpirationTime,
    string? HeadersJson,
    string? TraceParent)
{
    /// <summary>
    /// The row for sending <paramref name="message"/> to <paramref name="destination"/> at <paramref name="dueAt"/>:
    /// MassTransit's envelope of it, as the scheduler endpoint would store a ScheduleSend of the same message.
    /// </summary>
    /// <remarks>
    /// MassTransit has no documented API that serialises a message into its envelope without sending it. Its
    /// serialisation layer's own public types (<see cref="MessageSendContext{T}"/>, <see cref="SystemTextJsonMessageSerializer"/>)
    /// do exactly that, so they are used here and only here; the scheduler endpoint's rows come from the
    /// envelope MassTransit hands to <see cref="ScheduleMessageConsumer"/>.
    /// </remarks>
    public static ScheduleRow Of<T>(T message, Guid tokenId, DateTimeOffset dueAt, Uri destination, string? traceParent, Guid? correlationId)
        where T : class
    {
        var messageId = MassTransit.NewId.NextGuid();
        var send = new MessageSendContext<T>(message)
        {
            MessageId = messageId,
            CorrelationId = correlationId,
            DestinationAddress = destination,
        };
        var body = SystemTextJsonMessageSerializer.Instance.GetMessageBody(send).GetString();
        return new ScheduleRow(tokenId, dueAt, destination, body, SystemTextJsonMessageSerializer.JsonContentType.ToString(),
            string.Join(";", MassTransit.MessageTypeCache<T>.MessageTypeNames), messageId, correlationId, null, null, null, null, null, null, null,
            null, traceParent);
    }
}
