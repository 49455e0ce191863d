using Microsoft.Extensions.Configuration;
using Npgsql;
using ShareLM.ServiceDefaults.Hosting;

namespace ShareLM.Benchmarks;

/// <summary>What the benchmark drives: the stack deploy/local/up.sh runs (its .local/sharelm.env, passed by bench.sh).</summary>
public sealed record BenchSettings(
    Uri Ingest,
    Uri Catalog,
    string Postgres,
    IConfiguration Configuration,
    string PidsDirectory,
    int Conversations,
    TimeSpan Duration,
    int Concurrency,
    TimeSpan WarmUp)
{
    public static BenchSettings FromEnvironment(int conversations, TimeSpan duration, int concurrency, TimeSpan warmUp)
    {
        var configuration = Ops.OpsContext.FromEnvironment().Configuration;
        string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
            ? v : throw new InvalidOperationException($"{name} is not set: run through deploy/local/bench.sh.");
        return new BenchSettings(new Uri(Required("SHARELM_INGEST_URL")), new Uri(Required("SHARELM_CATALOG_URL")),
            ConnectionSettings.Postgres(configuration), configuration, Environment.GetEnvironmentVariable("SHARELM_PIDS_DIR") ?? "",
            conversations, duration, concurrency, warmUp);
    }

    /// <summary>Each service and the process id up.sh recorded for it (its supervisor), or null when it is not running.</summary>
    public IEnumerable<(string Service, int? Supervisor)> Services() =>
        new[] { "Ingest", "Retention", "Catalog" }.Select(service =>
        {
            var pidFile = Path.Combine(PidsDirectory, $"{service}.pid");
            return (service, File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) ? pid : (int?)null);
        });

    /// <summary>A scratch database on the same server, for the benchmarks that need an event store of their own.</summary>
    public string ScratchDatabase(string name) => new NpgsqlConnectionStringBuilder(Postgres) { Database = name }.ConnectionString;

    public string Admin => new NpgsqlConnectionStringBuilder(Postgres) { Database = "postgres", Pooling = false }.ConnectionString;

    public async Task RecreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using (var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection)) await drop.ExecuteNonQueryAsync();
        await using (var create = new NpgsqlCommand($"create database \"{name}\"", connection)) await create.ExecuteNonQueryAsync();
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(Admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
