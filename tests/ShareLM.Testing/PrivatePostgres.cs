using Npgsql;

namespace ShareLM.Testing;

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
