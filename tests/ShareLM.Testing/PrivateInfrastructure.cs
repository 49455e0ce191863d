using System.Diagnostics;
using Npgsql;

namespace ShareLM.Testing;

/// <summary>
/// A PostgreSQL or RabbitMQ of a test's own, started and stopped through deploy/local/infra.sh, for tests
/// that take a dependency down and bring it back (the shared instances must stay up for everyone else).
/// </summary>
public abstract class PrivateInstance : IAsyncDisposable
{
    protected string Directory { get; } = Path.Combine(Path.GetTempPath(), "sharelm-private-" + Guid.NewGuid().ToString("N")[..12]);

    static string Script => Environment.GetEnvironmentVariable("SHARELM_TEST_INFRA") is { Length: > 0 } script
        ? script
        : Path.Combine(ServiceProcess.RepositoryRoot, "deploy", "local", "infra.sh");

    protected static async Task RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Script);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"infra.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }

    public abstract Task StartAsync();
    public abstract Task StopAsync();

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); } catch { }
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch { }
    }
}

public sealed class PrivateRabbitMq : PrivateInstance
{
    readonly int _amqp = FreePort.Next(), _management = FreePort.Next(), _distribution = FreePort.Next(), _epmd = FreePort.Next();

    public string Uri => $"amqp://guest:guest@127.0.0.1:{_amqp}/";
    public Uri Management => new($"http://127.0.0.1:{_management}");

    public override Task StartAsync() => RunAsync("rabbitmq", "start", Path.Combine(Directory, "rabbitmq"),
        _amqp.ToString(), _management.ToString(), _distribution.ToString(), _epmd.ToString());

    public override Task StopAsync() => RunAsync("rabbitmq", "stop", Path.Combine(Directory, "rabbitmq"));
}

public sealed class PrivatePostgres : PrivateInstance
{
    readonly int _port = FreePort.Next();

    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false";
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database}";

    public override Task StartAsync() => RunAsync("postgres", "start", Path.Combine(Directory, "postgres"), _port.ToString());

    public override Task StopAsync() => RunAsync("postgres", "stop", Path.Combine(Directory, "postgres"));

    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }
}
