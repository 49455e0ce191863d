using System.CommandLine;
using ShareLM.Conversations;
using ShareLM.Events;
using Spectre.Console;

namespace ShareLM.Ops.Conversations;

/// <summary>
/// <c>conversations takedown &lt;id&gt; --reason …</c>: an operator's deletion (imported or legacy conversations,
/// abuse), erased and announced exactly like a contributor's: it appends the same <see cref="DeletionRequested"/>.
/// </summary>
public static class ConversationCommands
{
    public static Command Build(Func<OpsContext> context)
    {
        var id = new Argument<Guid>("id") { Description = "conversation id (the public conversation_id)" };
        var reason = new Option<string>("--reason") { Description = "why it is taken down (kept in the event)", Required = true };
        var noWait = new Option<bool>("--no-wait") { Description = "do not wait for the erasure to complete" };
        var takedown = new Command("takedown", "Delete a conversation as an operator: erased and announced like a contributor's deletion") { id, reason, noWait };
        takedown.SetAction(async (parse, ct) =>
        {
            await using var ops = context();
            return await TakeDownAsync(ops, parse.GetValue(id), parse.GetValue(reason)!, !parse.GetValue(noWait), ct);
        });
        return new Command("conversations", "Conversations") { takedown };
    }

    /// <summary>Requests the deletion (idempotent) and, with <paramref name="wait"/>, waits until Retention erased it.</summary>
    internal static async Task<int> TakeDownAsync(OpsContext ops, Guid id, string reason, bool wait, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            Console.Error.WriteLine("--reason must be 1 to 500 characters.");
            return 2;
        }
        for (var attempt = 1; ; attempt++)
        {
            await using var session = ops.Store.LightweightSession();
            var stream = await session.Events.FetchForWriting<ConversationState>(id, ct);
            if (stream.Aggregate is null)
            {
                Console.Error.WriteLine($"No conversation {id}.");
                return 1;
            }
            if (stream.Aggregate.IsDeletedOrDeleting)
            {
                AnsiConsole.MarkupLineInterpolated($"{id} is already {stream.Aggregate.Status.ToString().ToLowerInvariant()}.");
                break;
            }
            stream.AppendOne(new DeletionRequested(id, Vocabulary.DeletedByOperator, reason.Trim(), DateTimeOffset.UtcNow));
            try
            {
                await session.SaveChangesAsync(ct);
                AnsiConsole.MarkupLineInterpolated($"take-down of {id} requested.");
                break;
            }
            catch (Exception e) when (attempt < 5 && e is JasperFx.ConcurrencyException or Marten.Exceptions.ConcurrentUpdateException)
            {
                // Someone appended meanwhile: decide again on the new state.
            }
        }
        if (!wait) return 0;
        await AnsiConsole.Status().StartAsync("waiting for Retention to erase it", async _ =>
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (DateTime.UtcNow < deadline)
            {
                await using var session = ops.Store.QuerySession();
                if ((await session.LoadAsync<ConversationState>(id, ct))?.Status == ConversationStatus.Deleted) return;
                await Task.Delay(250, ct);
            }
            throw new TimeoutException("Retention did not complete the erasure within 2 minutes; is it running? (ops status)");
        });
        AnsiConsole.MarkupLineInterpolated($"{id} erased and announced.");
        return 0;
    }
}
