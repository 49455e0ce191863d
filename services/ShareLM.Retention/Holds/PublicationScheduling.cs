using MassTransit;
using ShareLM.Messages;
using ShareLM.Retention.Scheduling;
using ShareLM.ServiceDefaults.Messaging;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Retention.Holds;

/// <summary>
/// How Retention schedules and cancels publications. Retention owns the scheduler's table, so it writes the
/// schedule rows itself (one statement for many holds) instead of sending MassTransit's ScheduleMessage to its
/// own scheduler endpoint, which would cost a broker round trip per hold. The rows are the same the endpoint
/// writes: MassTransit's envelope of <see cref="PublishConversation"/>, token = conversation id.
/// </summary>
public sealed class PublicationScheduling(ScheduleStore schedules, TimeProvider clock)
{
    static readonly Uri PublicationAddress = QueueNames.Address(QueueNames.Publication);

    /// <summary>
    /// One pending publication per conversation, also for schedules sent through the scheduler endpoint
    /// (MassTransit keeps this convention globally; Retention sets it where it configures its bus).
    /// </summary>
    public static void UseConversationAsScheduleToken() =>
        MassTransit.Scheduling.ScheduleTokenId.UseTokenId<PublishConversation>(m => m.ConversationId);

    public Task ScheduleAsync(ISendEndpointProvider sender, Guid conversationId, DateTimeOffset publishAt, CancellationToken cancellationToken) =>
        ScheduleAsync(sender, [new Hold(conversationId, publishAt, ShareLMTelemetry.CurrentTraceParent(), null)], cancellationToken);

    public async Task ScheduleAsync(ISendEndpointProvider sender, IReadOnlyCollection<Hold> holds, CancellationToken cancellationToken)
    {
        if (holds.Count == 0) return;
        var now = clock.GetUtcNow();
        var rows = new List<ScheduleRow>(holds.Count);
        var due = new List<PublishConversation>();
        foreach (var hold in holds)
        {
            var command = new PublishConversation(hold.ConversationId);
            // Already due (legacy uploads have no hold): no need to go through the schedule table.
            if (hold.PublishAt <= now) due.Add(command);
            else rows.Add(ScheduleRow.Of(command, hold.ConversationId, hold.PublishAt, PublicationAddress, hold.TraceParent, hold.CorrelationId));
        }
        // The row is committed before the message that asked for it is acknowledged.
        await schedules.UpsertAsync(rows, cancellationToken);
        if (due.Count > 0)
        {
            var endpoint = await sender.GetSendEndpoint(PublicationAddress);
            await Task.WhenAll(due.Select(command => endpoint.Send(command, cancellationToken)));
        }
    }

    public Task CancelAsync(Guid conversationId, CancellationToken cancellationToken) => schedules.CancelAsync(conversationId, cancellationToken);
}
