using Npgsql;

namespace ShareLM.Testing;

public sealed class PrivatePostgres : PrivateInstance
{
    readonly int _port = FreePort.Next();

    /// <summary>Set before a start, the postgres user needs this password (as up.sh's instance does); else trust.</summary>
    public string? Password { get; set; }

    public int Port => _port;
    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false{PasswordPart}";
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={_port};Username=postgres;Database={database}{PasswordPart}";
    string PasswordPart => Password is null ? "" : $";Password={Password}";

    public override Task StartAsync() => Password is null
        ? RunAsync("postgres", "start", Path.Combine(Directory, "postgres"), _port.ToString())
        : RunAsync("postgres", "start", Path.Combine(Directory, "postgres"), _port.ToString(), PasswordFile(Password));

    public override Task StopAsync() => RunAsync("postgres", "stop", Path.Combine(Directory, "postgres"));

    public async Task CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
    }
}
