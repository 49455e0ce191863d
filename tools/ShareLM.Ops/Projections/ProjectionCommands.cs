using System.CommandLine;
using ShareLM.Catalog.Projection;
using ShareLM.Conversations;
using ShareLM.Ops.Terminal;
using ShareLM.ServiceDefaults.EventStore;
using Spectre.Console;

namespace ShareLM.Ops.Projections;

/// <summary>
/// <c>projections rebuild [catalog|conversation-state] [--from-scratch]</c>: rebuild a read model from the event
/// store while the services keep running, then report events processed and time taken.
/// </summary>
public static class ProjectionCommands
{
    public const string Catalog = "catalog";
    public const string ConversationState = "conversation-state";

    public static Command Build(Func<OpsContext> context)
    {
        var name = new Argument<string>("name") { Description = "catalog (default) or conversation-state", DefaultValueFactory = _ => Catalog };
        name.AcceptOnlyFromAmong(Catalog, ConversationState);
        var fromScratch = new Option<bool>("--from-scratch") { Description = "catalog only: empty the feed and drafts first (cursors are still never reused)" };
        var rebuild = new Command("rebuild", "Rebuild a projection from the event store while the services keep running") { name, fromScratch };
        rebuild.SetAction(async (parse, ct) =>
        {
            await using var ops = context();
            return parse.GetValue(name) == ConversationState
                ? await RebuildConversationStateAsync(ops, ct)
                : await RebuildCatalogAsync(ops, parse.GetValue(fromScratch), ct);
        });
        return new Command("projections", "Read models built from the event streams") { rebuild };
    }

    static async Task<int> RebuildCatalogAsync(OpsContext ops, bool fromScratch, CancellationToken ct)
    {
        var rebuild = new CatalogRebuild(ops.Store, ops.Db, ops.CatalogProjection());
        var report = await ProgressDisplay.RunAsync("rebuilding catalog", "events", report =>
            rebuild.RunAsync(fromScratch, new Progress<RebuildProgress>(p => report(p.Position, p.Head)), ct));
        AnsiConsole.MarkupLineInterpolated(
            $"catalog rebuilt: {report.EventsProcessed:N0} events ({report.EventsApplied:N0} applied) in {report.Elapsed.TotalSeconds:0.0}s ({report.EventsPerSecond:N0} events/s); feed cursor {report.FromCursor} -> {report.ToCursor}");
        return 0;
    }

    /// <summary>
    /// The write model is kept inline by whoever appends, so it is rebuilt stream by stream, each under its
    /// stream row's lock (appends take the same lock): a concurrent append waits, and never loses its update.
    /// </summary>
    static async Task<int> RebuildConversationStateAsync(OpsContext ops, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var count = ops.Db.CreateCommand($"select count(*) from {EventStoreSetup.Schema}.mt_streams");
        var total = (long)(await count.ExecuteScalarAsync(ct))!;
        long events = 0;
        var streams = await ProgressDisplay.RunAsync("rebuilding conversation-state", "streams", async report =>
        {
            long done = 0;
            Guid after = Guid.Empty;
            while (true)
            {
                await using var page = ops.Db.CreateCommand($"select id from {EventStoreSetup.Schema}.mt_streams where id > $1 order by id limit 500");
                page.Parameters.Add(new Npgsql.NpgsqlParameter { Value = after });
                var ids = new List<Guid>();
                await using (var reader = await page.ExecuteReaderAsync(ct))
                    while (await reader.ReadAsync(ct)) ids.Add(reader.GetGuid(0));
                if (ids.Count == 0) break;
                foreach (var id in ids)
                {
                    await using var session = ops.Store.LightweightSession();
                    await session.BeginTransactionAsync(ct);
                    await session.QueryAsync<Guid>($"select id from {EventStoreSetup.Schema}.mt_streams where id = ? for update", ct, id);
                    var stream = await session.Events.FetchStreamAsync(id, token: ct);
                    events += stream.Count;
                    var state = await session.Events.AggregateStreamAsync<ConversationState>(id, token: ct);
                    if (state is null) session.Delete<ConversationState>(id); else session.Store(state);
                    await session.SaveChangesAsync(ct);
                    done++;
                }
                after = ids[^1];
                report(done, total);
            }
            return done;
        });
        AnsiConsole.MarkupLineInterpolated($"conversation-state rebuilt: {streams:N0} streams, {events:N0} events in {started.Elapsed.TotalSeconds:0.0}s");
        return 0;
    }
}
