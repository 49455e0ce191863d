namespace ShareLM.Ops.Tests;

/// <summary>holds reconcile, with a hold short enough to watch a restored schedule publish.</summary>
public sealed class HoldReconcileCommandTests : IAsyncLifetime
{
    IsolatedEnvironment _environment = null!;
    ServiceStack _stack = null!;

    public async Task InitializeAsync()
    {
        _environment = await IsolatedEnvironment.CreateAsync("reconcile");
        _stack = await ServiceStack.StartAsync(_environment, new StackOptions
        {
            // Long enough that the schedule is still pending when the test deletes it, on a loaded machine too.
            HoldWindow = TimeSpan.FromSeconds(12),
            Settings = new() { ["Retention:Reconciliation:Interval"] = "00:00:00" },
        });
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [Fact]
    public async Task A_deliberately_lost_schedule_is_restored_and_the_conversation_published()
    {
        var contributor = await _stack.Ingest.RegisterAsync();
        var accepted = await _stack.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("lost"));
        var id = Guid.Parse((string)accepted["id"]!);
        var publishAt = DateTimeOffset.Parse((string)accepted["publishAt"]!);
        await using var connection = await _environment.OpenAsync();
        async Task<long> Scalar(string sql)
        {
            await using var command = new Npgsql.NpgsqlCommand(sql, connection);
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id });
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        await Eventually.True(async () => await Scalar("select count(*) from scheduler.scheduled_messages where token_id = $1") == 1, TimeSpan.FromSeconds(10), "the schedule");
        await Scalar("delete from scheduler.scheduled_messages where token_id = $1");
        // The hold ends with nothing scheduled.
        await Eventually.True(() => Task.FromResult(DateTimeOffset.UtcNow > publishAt.AddSeconds(1)), TimeSpan.FromSeconds(30), "the hold to end");
        Assert.Equal(0, await Scalar("select count(*) from sharelm.mt_events where stream_id = $1 and type = 'conversation_published'"));

        var settings = _stack.Settings.ToDictionary();
        settings["RabbitMq:ManagementUrl"] = _environment.Infrastructure.Management.ToString();
        var dry = await OpsProcess.RunAsync(settings, "holds", "reconcile", "--dry-run");
        Assert.True(dry.ExitCode == 0, dry.Output + dry.Error);
        Assert.Contains("missing: 1", dry.Output);
        Assert.Contains("rescheduled: 0", dry.Output);
        var result = await OpsProcess.RunAsync(settings, "holds", "reconcile");
        Assert.Contains("rescheduled: 1", result.Output);
        Assert.Contains(id.ToString(), result.Output);
        await Eventually.Get(() => _stack.Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "publication after reconciliation");
    }
}
