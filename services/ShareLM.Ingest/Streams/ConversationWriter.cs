using System.Threading.Channels;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Options;
using Polly.Registry;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Options;
using ShareLM.ServiceDefaults.Http;
using ShareLM.ServiceDefaults.Resilience;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Ingest.Streams;

/// <summary>What a command decides from the conversation's current state (null: the stream does not exist).</summary>
public delegate Decision Decide(ConversationState? current, DateTimeOffset now);

public abstract record Decision
{
    public sealed record Append(IReadOnlyList<object> Events) : Decision;
    public sealed record NoChange : Decision;
    public sealed record Refuse(int Status, string Title, string Detail, string? Field = null) : Decision
    {
        /// <summary>The RFC 7807 answer to the request that asked for this.</summary>
        public Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult ToProblem() => Problems.Status(Status, Title, Detail, Field);
    }

    public static readonly NoChange Nothing = new();
}

/// <summary>The outcome of a write: the decision, and the state before and after it.</summary>
public sealed record WriteResult(Decision Decision, ConversationState? Before, ConversationState? After);

/// <summary>
/// The gateway's only write path. Requests hand in a decision function; a loop group-commits whatever is
/// waiting into one transaction (a few such loops run at once, each with its own conversations): one query
/// loads every state, each decision appends with the version it saw (optimistic concurrency), one commit
/// makes them durable, and only then does each request get its answer. Two commands for one conversation never
/// share a batch; a conflict (another instance appended first) re-runs the affected commands one by one against
/// fresh state. A command whose caller stopped waiting before it was committed (the client timed out or hung up) is
/// dropped at its next attempt, never committed later: its sender will send again, and a late commit of an old
/// capture would undo a newer one that the resend let through, on this instance or another.
/// </summary>
public sealed class ConversationWriter(IDocumentStore store, ResiliencePipelineProvider<string> pipelines,
    IOptions<WriterOptions> settings, TimeProvider clock, ILogger<ConversationWriter> logger) : BackgroundService
{
    /// <param name="Abandoned">Signalled when the caller stopped waiting (the request's <c>RequestAborted</c>).</param>
    sealed record Pending(Guid ConversationId, Decide Decide, string? TraceParent, string? CorrelationId,
        TaskCompletionSource<WriteResult> Completion, CancellationToken Abandoned)
    {
        /// <summary>Settles the caller's wait with <paramref name="result"/>, or as cancelled when it was abandoned (null).</summary>
        public void Settle(WriteResult? result)
        {
            if (result is null) Completion.TrySetCanceled(Abandoned);
            else Completion.TrySetResult(result);
        }
    }

    readonly Channel<Pending>[] _queues = Enumerable.Range(0, Math.Max(1, settings.Value.Writers))
        .Select(_ => Channel.CreateBounded<Pending>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait }))
        .ToArray();

    /// <param name="cancellationToken">The caller's wait (a request's <c>RequestAborted</c>): once it is cancelled, the
    /// command is dropped unless it is already being committed. <see cref="CancellationToken.None"/> to commit it whatever happens.</param>
    public async Task<WriteResult> WriteAsync(Guid conversationId, Decide decide, CancellationToken cancellationToken)
    {
        // A client's baggage may name a correlation id; only an id is taken (free text there would be stored with the event).
        var baggage = System.Diagnostics.Activity.Current?.GetBaggageItem("correlation.id");
        var pending = new Pending(conversationId, decide, ShareLMTelemetry.CurrentTraceParent(),
            Guid.TryParse(baggage, out var correlation) ? correlation.ToString("D") : System.Diagnostics.Activity.Current?.TraceId.ToString(),
            new TaskCompletionSource<WriteResult>(TaskCreationOptions.RunContinuationsAsynchronously), cancellationToken);
        try
        {
            var queue = _queues[(int)((uint)conversationId.GetHashCode() % (uint)_queues.Length)];
            await queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new ServiceUnavailableException("The gateway is shutting down.");
        }
        return await pending.Completion.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_queues.Select(queue => Task.Run(() => WriteLoopAsync(queue.Reader), CancellationToken.None)));

    async Task WriteLoopAsync(ChannelReader<Pending> reader)
    {
        var carry = new List<Pending>();
        var max = settings.Value.MaxBatch;
        // Runs until the queue is completed (at shutdown) and drained: nothing accepted is left unanswered.
        while (carry.Count > 0 || await reader.WaitToReadAsync(CancellationToken.None))
        {
            var batch = new List<Pending>(max);
            var seen = new HashSet<Guid>();
            var deferred = new List<Pending>();
            foreach (var p in carry)
            {
                if (batch.Count < max && seen.Add(p.ConversationId)) batch.Add(p); else deferred.Add(p);
            }
            while (batch.Count < max && reader.TryRead(out var next))
            {
                if (seen.Add(next.ConversationId)) batch.Add(next); else deferred.Add(next);
            }
            carry = deferred;
            if (batch.Count > 0) await CommitBatchAsync(batch);
        }
    }

    async Task CommitBatchAsync(List<Pending> batch)
    {
        var pipeline = pipelines.GetPipeline(Pipelines.Database);
        try
        {
            var results = await pipeline.ExecuteAsync(async ct => await TryCommitAsync(batch, ct), CancellationToken.None);
            for (var i = 0; i < batch.Count; i++) batch[i].Settle(results[i]);
        }
        catch (Exception e) when (IsConflict(e))
        {
            // Someone else appended to one of these streams first: settle each command on its own.
            await Task.WhenAll(batch.Select(CommitAloneAsync));
        }
        catch (Exception e)
        {
            foreach (var p in batch) p.Completion.TrySetException(e);
        }
    }

    async Task CommitAloneAsync(Pending pending)
    {
        var pipeline = pipelines.GetPipeline(Pipelines.Database);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await pipeline.ExecuteAsync(async ct => await TryCommitAsync([pending], ct), CancellationToken.None);
                pending.Settle(result[0]);
                return;
            }
            catch (Exception e) when (IsConflict(e) && attempt < settings.Value.MaxConflictRetries)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)));
            }
            catch (Exception e)
            {
                pending.Completion.TrySetException(e);
                return;
            }
        }
    }

    /// <returns>Each command's result; null for one that was abandoned, and so decided nothing.</returns>
    async Task<WriteResult?[]> TryCommitAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        var ids = batch.Select(p => p.ConversationId).ToArray();
        var states = (await session.LoadManyAsync<ConversationState>(cancellationToken, ids)).ToDictionary(s => s.Id);
        var now = clock.GetUtcNow();
        var results = new WriteResult?[batch.Count];
        var decisions = new Decision?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            // Checked at every attempt, after the wait for the database: that wait is when callers give up.
            if (batch[i].Abandoned.IsCancellationRequested) continue;
            states.TryGetValue(batch[i].ConversationId, out var state);
            decisions[i] = batch[i].Decide(state, now);
        }
        await RefuseCapturesOfDeletedAccountsAsync(session, decisions, cancellationToken);
        var appended = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            if (decisions[i] is not { } decision) continue; // abandoned: results[i] stays null
            states.TryGetValue(pending.ConversationId, out var state);
            if (decision is Decision.Append { Events.Count: > 0 } append)
            {
                var action = state is null
                    ? session.Events.StartStream<ConversationState>(pending.ConversationId, append.Events)
                    : session.Events.Append(pending.ConversationId, append.Events);
                if (state is not null) action.ExpectedVersionOnServer = state.Version;
                foreach (var e in action.Events)
                {
                    if (pending.TraceParent is not null) e.SetHeader(ShareLMTelemetry.TraceParentHeader, pending.TraceParent);
                    e.CorrelationId = pending.CorrelationId;
                }
                appended++;
                results[i] = new WriteResult(decision, state, (state ?? new ConversationState { Id = pending.ConversationId }).Fold(append.Events));
            }
            else
            {
                results[i] = new WriteResult(decision, state, state);
            }
        }
        if (appended > 0) await session.SaveChangesAsync(cancellationToken);
        return results;
    }

    /// <summary>
    /// A new conversation of a contributor whose account is being deleted is refused, checked in the transaction that
    /// would create it: the account's row is read <c>for share</c>, so either this commit comes first (and the
    /// deletion, which marks the row before it lists the conversations, then finds it) or the mark does (and this
    /// sees it). Without it, a capture that authenticated just before the deletion and committed just after its
    /// listing would outlive the account. A conversation that already exists needs no check: the deletion finds it.
    /// </summary>
    async Task RefuseCapturesOfDeletedAccountsAsync(IDocumentSession session, Decision?[] decisions, CancellationToken cancellationToken)
    {
        var contributors = decisions.OfType<Decision.Append>().SelectMany(a => a.Events).OfType<ConversationCaptured>()
            .Where(c => c.Source == Vocabulary.SourceExtension).Select(c => c.ContributorId).Distinct().ToArray();
        if (contributors.Length == 0) return;
        await session.BeginTransactionAsync(cancellationToken);
        var table = $"{store.Options.DatabaseSchemaName}.mt_doc_contributor";
        var live = (await session.QueryAsync<Guid>(
            $"select id from {table} where id = any(?) and data->>'deletingSince' is null for share", cancellationToken, contributors)).ToHashSet();
        for (var i = 0; i < decisions.Length; i++)
        {
            if (decisions[i] is Decision.Append append && append.Events.OfType<ConversationCaptured>().FirstOrDefault() is { Source: Vocabulary.SourceExtension } captured
                && !live.Contains(captured.ContributorId))
                decisions[i] = new Decision.Refuse(StatusCodes.Status401Unauthorized, "Unauthorized", "This account is being deleted.");
        }
    }

    static bool IsConflict(Exception e) => e is JasperFx.ConcurrencyException or ConcurrentUpdateException
            or JasperFx.Events.ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
        || e.InnerException is { } inner && IsConflict(inner);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _queues) queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        logger.LogInformation("Conversation writer drained");
    }
}
