namespace ShareLM.Testing;

public sealed class PrivateRabbitMq : PrivateInstance
{
    readonly int _amqp = FreePort.Next(), _management = FreePort.Next(), _distribution = FreePort.Next(), _epmd = FreePort.Next();

    public string Uri => $"amqp://guest:guest@127.0.0.1:{_amqp}/";
    public Uri Management => new($"http://127.0.0.1:{_management}");

    public override Task StartAsync() => RunAsync("rabbitmq", "start", Path.Combine(Directory, "rabbitmq"),
        _amqp.ToString(), _management.ToString(), _distribution.ToString(), _epmd.ToString());

    public override Task StopAsync() => RunAsync("rabbitmq", "stop", Path.Combine(Directory, "rabbitmq"));
}
