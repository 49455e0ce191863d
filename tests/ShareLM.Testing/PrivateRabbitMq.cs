namespace ShareLM.Testing;

public sealed class PrivateRabbitMq : PrivateInstance
{
    readonly int _amqp = FreePort.Next(), _management = FreePort.Next(), _distribution = FreePort.Next(), _epmd = FreePort.Next();

    /// <summary>Set before the first start, user "sharelm" with this password replaces guest (as up.sh's broker does).</summary>
    public string? Password { get; set; }

    public string Uri => Password is null ? $"amqp://guest:guest@127.0.0.1:{_amqp}/" : $"amqp://sharelm:{Password}@127.0.0.1:{_amqp}/";
    public Uri Management => new($"http://127.0.0.1:{_management}");
    public int AmqpPort => _amqp;
    public int DistributionPort => _distribution;
    public int EpmdPort => _epmd;
    public string StateDirectory => Path.Combine(Directory, "rabbitmq");

    public override Task StartAsync() => RunAsync(["rabbitmq", "start", StateDirectory,
        _amqp.ToString(), _management.ToString(), _distribution.ToString(), _epmd.ToString(), .. Password is null ? Array.Empty<string>() : [PasswordFile(Password)]]);

    public override Task StopAsync() => RunAsync("rabbitmq", "stop", Path.Combine(Directory, "rabbitmq"));
}
