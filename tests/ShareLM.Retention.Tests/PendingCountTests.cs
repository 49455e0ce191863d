using Npgsql;
using ShareLM.Messages;
using ShareLM.Retention.Options;
using ShareLM.Retention.Scheduling;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Retention.Tests;

/// <summary>The pending-schedule gauge: counted while the table is small, PostgreSQL's estimate once it is large.</summary>
public sealed class PendingCountTests : IAsyncLifetime
{
    IsolatedEnvironment _environment = null!;
    NpgsqlDataSource _database = null!;

    public async Task InitializeAsync()
    {
        _environment = await IsolatedEnvironment.CreateAsync("pending");
        _database = NpgsqlDataSource.Create(_environment.PostgresConnectionString);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [Fact]
    public async Task Pending_schedules_are_counted_exactly_while_few_and_estimated_closely_when_many()
    {
        var store = new ScheduleStore(_database, Microsoft.Extensions.Options.Options.Create(new SchedulerOptions()), TimeProvider.System);
        var tomorrow = DateTimeOffset.UtcNow.AddDays(1);
        ScheduleRow Row() =>
            ScheduleRow.Of(new PublishConversation(Guid.NewGuid()), Guid.NewGuid(), tomorrow, QueueNames.Address(QueueNames.Publication), null, null);

        await store.UpsertAsync([Row(), Row(), Row()], CancellationToken.None);
        await AnalyzeAsync();
        Assert.Equal(3, await store.PendingCountAsync(CancellationToken.None));

        const int many = 60_000;
        for (var written = 0; written < many; written += 5_000)
            await store.UpsertAsync(Enumerable.Range(0, 5_000).Select(_ => Row()).ToList(), CancellationToken.None);
        await AnalyzeAsync();
        // Rows added after the statistics were taken count too: the estimate follows the table's size.
        await store.UpsertAsync(Enumerable.Range(0, 5_000).Select(_ => Row()).ToList(), CancellationToken.None);

        var estimate = await store.PendingCountAsync(CancellationToken.None);
        const int actual = 3 + many + 5_000;
        Assert.InRange(estimate, actual * 0.95, actual * 1.05);
    }

    async Task AnalyzeAsync()
    {
        await using var analyze = _database.CreateCommand($"analyze {ScheduleStore.Schema}.scheduled_messages");
        await analyze.ExecuteNonQueryAsync();
    }
}
