using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace ShareLM.Testing;

/// <summary>A test class's own environment and in-process services, started once for the class.</summary>
public class StackFixture : IAsyncLifetime
{
    public IsolatedEnvironment Environment { get; private set; } = null!;
    public ServiceStack Stack { get; private set; } = null!;

    protected virtual StackOptions Options => new();

    /// <summary>
    /// Ingest's clock: what it stamps on a capture (and so when the hold ends). Retention, the scheduler (which
    /// compares due times with PostgreSQL's clock) and the Catalog keep the system's.
    /// </summary>
    public ShiftedClock IngestClock { get; } = new();

    public HttpClient Ingest => Stack.Ingest;
    public HttpClient Catalog => Stack.Catalog;

    public async Task InitializeAsync()
    {
        Environment = await IsolatedEnvironment.CreateAsync(GetType().Name);
        var options = Options;
        Stack = await ServiceStack.StartAsync(Environment, options with
        {
            Configure = (service, builder) =>
            {
                if (service == Service.Ingest) builder.Services.AddSingleton<TimeProvider>(IngestClock);
                options.Configure?.Invoke(service, builder);
            },
        });
    }

    public async Task DisposeAsync()
    {
        await Stack.DisposeAsync();
        await Environment.DisposeAsync();
    }

    public async Task<long> ScalarAsync(string sql, params object[] parameters) => Convert.ToInt64(await QueryScalarAsync(sql, parameters));

    public async Task<string?> ScalarTextAsync(string sql, params object[] parameters) => await QueryScalarAsync(sql, parameters) as string;

    async Task<object?> QueryScalarAsync(string sql, object[] parameters)
    {
        await using var connection = await Environment.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.Add(new NpgsqlParameter { Value = p });
        return await command.ExecuteScalarAsync();
    }

    public Task<long> EventCountAsync() => ScalarAsync("select count(*) from sharelm.mt_events");

    public Task<long> EventCountAsync(Guid stream) => ScalarAsync("select count(*) from sharelm.mt_events where stream_id = $1", stream);

    public async Task<List<(string Type, string Data, long Version)>> EventsAsync(Guid stream)
    {
        await using var connection = await Environment.OpenAsync();
        await using var command = new NpgsqlCommand("select type, data::text, version from sharelm.mt_events where stream_id = $1 order by version", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = stream });
        var events = new List<(string, string, long)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) events.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return events;
    }
}
