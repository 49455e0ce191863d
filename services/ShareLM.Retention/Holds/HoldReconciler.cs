using Marten;
using MassTransit;
using Microsoft.Extensions.Options;
using ShareLM.Conversations;
using ShareLM.Messages;
using ShareLM.Retention.Options;
using ShareLM.Retention.Scheduling;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Retention.Holds;

/// <summary>
/// Rebuilds holds from the event store: every conversation whose write model says "held" must have a
/// pending publication (its schedule row, token = conversation id) unless its hold is over, in which case it
/// should already be published. Missing schedules are scheduled again; overdue ones are published now (the
/// publisher re-checks the state, so this is safe to run at any time, and twice). Deletions whose erasure has
/// not completed after a while are handed to the eraser again (it is idempotent). Runs periodically and on
/// an operator's request (<see cref="ReconcileHolds"/>).
/// </summary>
public sealed class HoldReconciler(IDocumentStore store, ScheduleStore schedules, PublicationScheduling scheduling, IBus bus,
    IOptions<ReconciliationOptions> options, TimeProvider clock, ILogger<HoldReconciler> logger)
{
    public async Task<HoldsReconciled> ReconcileAsync(Guid requestId, bool dryRun, CancellationToken cancellationToken)
    {
        await using var session = store.QuerySession();
        var held = await session.Query<ConversationState>()
            .Where(c => c.Status == ConversationStatus.Held)
            .Select(c => new HeldConversation(c.Id, c.PublishAt))
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        int scheduled = 0, missing = 0, overdue = 0, rescheduled = 0;
        var touched = new List<Guid>();
        foreach (var chunk in held.Chunk(1_000))
        {
            var pending = await schedules.PendingTokensAsync(chunk.Select(c => c.Id).ToArray(), cancellationToken);
            var again = new List<Hold>();
            foreach (var c in chunk)
            {
                var isPending = pending.Contains(c.Id);
                var isOverdue = c.PublishAt < now - options.Value.OverdueAfter;
                if (isPending && !isOverdue) { scheduled++; continue; }
                if (isOverdue) overdue++; else missing++;
                touched.Add(c.Id);
                // An overdue hold is sent for publication at once; a missing one is scheduled again.
                if (!dryRun) again.Add(new Hold(c.Id, c.PublishAt, null, null));
            }
            await scheduling.ScheduleAsync(bus, again, cancellationToken);
            rescheduled += again.Count;
        }
        if (touched.Count > 0)
            logger.LogWarning("Hold reconciliation: {Missing} missing and {Overdue} overdue of {Held} held; {Rescheduled} rescheduled",
                missing, overdue, held.Count, rescheduled);

        var stalledBefore = now - options.Value.ErasureStalledAfter;
        var stalled = await session.Query<ConversationState>()
            .Where(c => c.Status == ConversationStatus.Deleting && c.DeletionRequestedAt < stalledBefore)
            .Select(c => new StalledErasure(c.Id, c.DeletionRequestedBy))
            .ToListAsync(cancellationToken);
        if (stalled.Count > 0 && !dryRun)
        {
            var eraser = await bus.GetSendEndpoint(ErasureAddress);
            foreach (var s in stalled)
                await eraser.Send(new ErasureRequested(s.Id, s.RequestedBy ?? "unknown", 0, now), cancellationToken);
            logger.LogWarning("Reconciliation: {Count} stalled erasures handed to the eraser again", stalled.Count);
        }
        return new HoldsReconciled(requestId, held.Count, scheduled, missing, overdue, rescheduled, touched.Take(1_000).ToList(), stalled.Count);
    }

    sealed record HeldConversation(Guid Id, DateTimeOffset PublishAt);
    sealed record StalledErasure(Guid Id, string? RequestedBy);

    static readonly Uri ErasureAddress = QueueNames.Address(QueueNames.Erasure);
}

/// <summary>Answers an operator's <see cref="ReconcileHolds"/>.</summary>
public sealed class ReconcileHoldsConsumer(HoldReconciler reconciler) : IConsumer<ReconcileHolds>
{
    public async Task Consume(ConsumeContext<ReconcileHolds> context)
    {
        var report = await reconciler.ReconcileAsync(context.Message.RequestId, context.Message.DryRun, context.CancellationToken);
        await context.RespondAsync(report);
    }
}

/// <summary>Runs the reconciliation now and then, so a lost schedule heals without an operator.</summary>
public sealed class PeriodicHoldReconciliation(HoldReconciler reconciler, IOptions<ReconciliationOptions> settings,
    ILogger<PeriodicHoldReconciliation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = settings.Value.Interval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await reconciler.ReconcileAsync(Guid.NewGuid(), dryRun: false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Periodic hold reconciliation failed; next attempt in {Interval}", interval);
            }
        }
    }
}
