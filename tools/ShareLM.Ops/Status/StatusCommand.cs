using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using ShareLM.Catalog.Projection;
using ShareLM.ServiceDefaults.EventStore;
using Spectre.Console;

namespace ShareLM.Ops.Status;

public sealed record ProjectionStatus(string Name, long Position, long Lag, DateTimeOffset? LastUpdated);
public sealed record QueueStatus(string Name, long Messages, long Unacknowledged, long Consumers);
public sealed record ScheduleStatus(long Pending, long Overdue, DateTimeOffset? NextDue);
/// <summary>Erased conversations whose old row versions no vacuum has yet been seen to remove (Retention retries).</summary>
public sealed record ErasureVacuumStatus(long Pending, DateTimeOffset? OldestErasure);
public sealed record DeploymentStatus(long EventStoreHead, long FeedCursor, IReadOnlyList<ProjectionStatus> Projections,
    IReadOnlyList<QueueStatus>? Queues, string? QueuesError, ScheduleStatus Schedules, IReadOnlyDictionary<string, long> Conversations,
    ErasureVacuumStatus ErasureVacuum);

/// <summary>
/// <c>status</c>: event store head, position and lag of every projection and subscription, queue depths and
/// consumer counts, scheduled messages pending, conversation counts by state.
/// </summary>
public static class StatusCommand
{
    public static Command Build(Func<OpsContext> context)
    {
        var json = new Option<bool>("--json") { Description = "print the status as JSON" };
        var status = new Command("status", "Where everything stands: event store, projections, queues, schedules, conversations") { json };
        status.SetAction(async (parse, ct) =>
        {
            await using var ops = context();
            var report = await ReadAsync(ops, ct);
            if (parse.GetValue(json)) Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            else Render(report);
            return 0;
        });
        return status;
    }

    public static async Task<DeploymentStatus> ReadAsync(OpsContext ops, CancellationToken ct)
    {
        var progress = await DaemonProgress.ReadAsync(ops.Postgres, ct);
        var projections = progress.Shards
            .Where(s => !s.Name.StartsWith("HighWater", StringComparison.Ordinal))
            .Select(s => new ProjectionStatus(s.Name, s.Sequence, Math.Max(0, progress.Head - s.Sequence), s.LastUpdated))
            .ToList();

        long feedCursor = 0;
        try
        {
            await using var feed = ops.Db.CreateCommand($"select coalesce(max(cursor), 0) from {CatalogSchema.Feed}");
            feedCursor = (long)(await feed.ExecuteScalarAsync(ct))!;
        }
        catch (PostgresException e) when (e.SqlState == "42P01") { }

        ScheduleStatus schedules;
        try
        {
            await using var command = ops.Db.CreateCommand(
                "select count(*), count(*) filter (where due_at < now() - interval '5 seconds'), min(due_at) from scheduler.scheduled_messages");
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            schedules = new ScheduleStatus(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
        }
        catch (PostgresException e) when (e.SqlState is "42P01" or "3F000")
        {
            schedules = new ScheduleStatus(0, 0, null);
        }

        var conversations = new Dictionary<string, long>();
        await using (var command = ops.Db.CreateCommand($"select data->>'status', count(*) from {EventStoreSetup.Schema}.mt_doc_conversationstate group by 1 order by 1"))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) conversations[reader.GetString(0).ToLowerInvariant()] = reader.GetInt64(1);

        List<QueueStatus>? queues = null;
        string? queuesError = null;
        try
        {
            using var management = ops.Management();
            var list = await management.GetFromJsonAsync<JsonArray>($"/api/queues/{Uri.EscapeDataString(ops.VirtualHost)}", ct);
            queues = list!.OfType<JsonObject>()
                .Where(q => ((string?)q["name"])?.StartsWith("sharelm", StringComparison.Ordinal) == true)
                .Select(q => new QueueStatus((string)q["name"]!, (long?)q["messages_ready"] ?? 0, (long?)q["messages_unacknowledged"] ?? 0, (long?)q["consumers"] ?? 0))
                .OrderBy(q => q.Name).ToList();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            queuesError = $"RabbitMQ management API unreachable ({e.Message}); set RabbitMq__ManagementUrl";
        }
        var vacuum = new ErasureVacuumStatus(0, null);
        try
        {
            await using var command = ops.Db.CreateCommand("select count(*), min(erased_at) from retention.pending_vacuum");
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            vacuum = new ErasureVacuumStatus(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
        }
        catch (PostgresException e) when (e.SqlState is "42P01" or "3F000") { }
        return new DeploymentStatus(progress.Head, feedCursor, projections, queues, queuesError, schedules, conversations, vacuum);
    }

    static void Render(DeploymentStatus s)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]event store head[/] {s.EventStoreHead:N0}    [bold]catalog feed cursor[/] {s.FeedCursor:N0}");
        var projections = new Table().Title("projections and subscriptions").AddColumns("name", "position", "lag (events)", "last updated");
        foreach (var p in s.Projections) projections.AddRow(p.Name, p.Position.ToString("N0"), p.Lag.ToString("N0"), p.LastUpdated?.ToString("u") ?? "-");
        AnsiConsole.Write(projections);
        if (s.Queues is { } queues)
        {
            var table = new Table().Title("queues").AddColumns("queue", "ready", "unacked", "consumers");
            foreach (var q in queues) table.AddRow(q.Name, q.Messages.ToString("N0"), q.Unacknowledged.ToString("N0"), q.Consumers.ToString("N0"));
            AnsiConsole.Write(table);
        }
        else
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{s.QueuesError}[/]");
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]scheduled messages[/] pending {s.Schedules.Pending:N0}, overdue {s.Schedules.Overdue:N0}, next due {s.Schedules.NextDue?.ToString("u") ?? "-"}");
        AnsiConsole.MarkupLineInterpolated($"[bold]conversations[/] {string.Join(", ", s.Conversations.Select(kv => $"{kv.Key} {kv.Value:N0}"))}");
        AnsiConsole.MarkupLineInterpolated($"[bold]erasures awaiting a clean vacuum[/] {s.ErasureVacuum.Pending:N0}{(s.ErasureVacuum.OldestErasure is { } oldest ? $" (oldest {oldest:u})" : "")}");
    }
}
