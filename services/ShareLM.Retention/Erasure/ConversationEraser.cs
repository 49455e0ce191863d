using Marten;
using MassTransit;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Messages;
using ShareLM.Retention.Holds;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Retention.Erasure;

/// <summary>
/// Carries out a deletion: cancels the pending publication, masks the content of every event of the stream
/// in place (Marten's event data masking, with a rule for every content-bearing event type), then appends
/// <see cref="ConversationDeleted"/>, recording whether it had been public. Masking goes first and nothing is
/// archived, so projections and the relay still see the whole stream, the take-down included. Idempotent:
/// a repeated message masks nothing new and appends nothing.
/// </summary>
public sealed class ConversationEraser(IDocumentStore store, IDocumentSession session, PublicationScheduling scheduling, VacuumRequests vacuum, TimeProvider clock,
    ILogger<ConversationEraser> logger) : IConsumer<ErasureRequested>
{
    public async Task Consume(ConsumeContext<ErasureRequested> context)
    {
        var id = context.Message.ConversationId;
        await scheduling.CancelAsync(id, context.CancellationToken);

        var stream = await session.Events.FetchForWriting<ConversationState>(id, context.CancellationToken);
        var state = stream.Aggregate;
        if (state is null || state.Status == ConversationStatus.Deleted) return;

        await store.Advanced.ApplyEventDataMasking(m => m.IncludeStream(id), context.CancellationToken);
        // What masking cannot reach: the events' metadata (a correlation id and trace headers a client could choose)
        // and, when the whole account goes, the contributor's id. In the same transaction as the deletion event.
        var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        // (The deletion event appended below keeps its own trace header: the relay continues the trace from it.)
        session.QueueSqlCommand($"update {events} set correlation_id = null, causation_id = null, headers = null where stream_id = ? and type <> 'conversation_deleted'", id);
        // Recorded with the erasure: the vacuum that follows must be seen to have removed the old row versions.
        session.QueueSqlCommand($"insert into {VacuumRequests.PendingTable} (conversation_id) values (?) on conflict do nothing", id);
        if (context.Message.RequestedBy == Vocabulary.DeletedWithAccount)
            session.QueueSqlCommand($"update {events} set data = jsonb_set(data, '{{contributorId}}', to_jsonb(?::text)) where stream_id = ? and jsonb_exists(data, 'contributorId')",
                Guid.Empty.ToString("D"), id);

        if (ShareLMTelemetry.CurrentTraceParent() is { } traceParent) session.SetHeader(ShareLMTelemetry.TraceParentHeader, traceParent);
        stream.AppendOne(new ConversationDeleted(id, state.WasEverPublic, clock.GetUtcNow()));
        await session.SaveChangesAsync(context.CancellationToken);
        vacuum.Request();
        ShareLMTelemetry.Deleted.Add(1, new KeyValuePair<string, object?>("was_public", state.WasEverPublic));
        logger.LogInformation("Erased conversation {ConversationId} (was public: {WasPublic})", id, state.WasEverPublic);
    }
}
