using System.Net.Http.Json;
using Npgsql;

namespace ShareLM.Testing;

/// <summary>
/// A database and a RabbitMQ virtual host of a test class's own, so classes run in parallel without seeing
/// each other's events, queues or schedules. Dropped afterwards.
/// </summary>
public sealed class IsolatedEnvironment : IAsyncDisposable
{
    public required InfrastructureEndpoints Infrastructure { get; init; }
    public required string Name { get; init; }

    public string PostgresConnectionString => new NpgsqlConnectionStringBuilder(Infrastructure.PostgresAdmin) { Database = Name, Pooling = true }.ConnectionString;

    public string RabbitMqUri => $"amqp://{Uri.EscapeDataString(Infrastructure.RabbitMq.Username)}:{Uri.EscapeDataString(Infrastructure.RabbitMq.Password)}@{Infrastructure.RabbitMq.Host}:{Infrastructure.RabbitMq.Port}/{Name}";

    public static async Task<IsolatedEnvironment> CreateAsync(string prefix)
    {
        var infrastructure = await TestInfrastructure.GetAsync();
        var name = $"{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray())}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(infrastructure.PostgresAdmin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        using var management = TestInfrastructure.Management(infrastructure);
        (await management.PutAsJsonAsync($"/api/vhosts/{name}", new { })).EnsureSuccessStatusCode();
        (await management.PutAsJsonAsync($"/api/permissions/{name}/{Uri.EscapeDataString(infrastructure.RabbitMq.Username)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return new IsolatedEnvironment { Infrastructure = infrastructure, Name = name };
    }

    /// <summary>The settings of a service pointed at this environment (<see cref="TestSettings"/>).</summary>
    public Dictionary<string, string?> ServiceSettings(TimeSpan hold, TimeSpan? legacyHold = null) =>
        TestSettings.For(PostgresConnectionString, RabbitMqUri, hold, legacyHold, SnapshotDirectory);

    /// <summary>Where the Catalogs of this environment keep snapshot files; removed with it.</summary>
    public string SnapshotDirectory => TestSettings.SnapshotDirectoryFor(Name);

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(Infrastructure.PostgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists \"{Name}\" with (force)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch
        {
            // Best effort: the test server is thrown away after the run anyway.
        }
        try
        {
            using var management = TestInfrastructure.Management(Infrastructure);
            await management.DeleteAsync($"/api/vhosts/{Name}");
        }
        catch
        {
        }
        if (Directory.Exists(SnapshotDirectory)) Directory.Delete(SnapshotDirectory, recursive: true);
    }
}
