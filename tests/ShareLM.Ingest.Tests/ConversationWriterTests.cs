using Npgsql;
using ShareLM.Events;
using ShareLM.Ingest.Streams;

namespace ShareLM.Ingest.Tests;

/// <summary>The gateway's write path, driven directly, against real PostgreSQL.</summary>
public sealed class ConversationWriterTests(IngestOnlyFixture fixture) : IClassFixture<IngestOnlyFixture>
{
    /// <summary>A rating of the whole conversation: the smallest change a decision can make to an existing stream.</summary>
    static Decide Rate(string rating, Action? decided = null) => (state, now) =>
    {
        decided?.Invoke();
        return new Decision.Append([new ConversationRated(state!.Id, state.Revision + 1, rating, [], $"rated-{rating}-{state.Revision}", now, state.PublishAt)]);
    };

    [Fact]
    public async Task A_command_whose_caller_gave_up_before_its_commit_is_never_committed_later()
    {
        // Why: a client that timed out sends again, maybe to another instance, and then sends newer content. If the
        // first attempt were committed after that, an old capture would replace the newer one for good.
        var writer = fixture.Stack[Service.Ingest].GetRequiredService<ConversationWriter>();
        var contributor = await fixture.Ingest.RegisterAsync();
        var id = Guid.Parse((string)(await fixture.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("writer-abandoned")))["id"]!);
        var before = await fixture.EventCountAsync(id);

        // Hold the stream's row, so that the writer's next commit for it waits, as it would for a database that is away.
        await using var blocker = await fixture.Environment.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockStream = new NpgsqlCommand("select version from sharelm.mt_streams where id = $1 for update", blocker, transaction))
        {
            lockStream.Parameters.Add(new NpgsqlParameter { Value = id });
            await lockStream.ExecuteScalarAsync();
        }
        var first = writer.WriteAsync(id, Rate("up"), CancellationToken.None);
        await Eventually.True(async () => await fixture.ScalarAsync(
                "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'") > 0,
            TimeSpan.FromSeconds(10), "the first command to wait for the stream's row");

        // Two more commands for the same conversation queue behind it; the caller of one of them gives up.
        using var caller = new CancellationTokenSource();
        var abandonedDecided = false;
        var abandoned = writer.WriteAsync(id, Rate("down", () => abandonedDecided = true), caller.Token);
        var kept = writer.WriteAsync(id, Rate("down"), CancellationToken.None);
        await caller.CancelAsync();
        await transaction.RollbackAsync();

        Assert.IsType<Decision.Append>((await first).Decision);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.False(abandonedDecided);
        Assert.IsType<Decision.Append>((await kept).Decision);
        var events = await fixture.EventsAsync(id);
        Assert.Equal(before + 2, events.Count);
        Assert.Equal(["\"up\"", "\"down\""], events.Skip((int)before).Select(e => System.Text.Json.JsonDocument.Parse(e.Data).RootElement.GetProperty("rating").GetRawText()));
    }
}
