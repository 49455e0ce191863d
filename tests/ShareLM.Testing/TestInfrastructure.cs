using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using ShareLM.ServiceDefaults.Hosting;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace ShareLM.Testing;

/// <summary>Where the shared test PostgreSQL and RabbitMQ are.</summary>
public sealed record InfrastructureEndpoints(string PostgresAdmin, RabbitMqEndpoint RabbitMq, Uri Management);

/// <summary>
/// The PostgreSQL and RabbitMQ the integration tests use: those deploy/local/test.sh started
/// (SHARELM_TEST_POSTGRES, SHARELM_TEST_RABBITMQ, SHARELM_TEST_RABBITMQ_MANAGEMENT), else containers when a
/// Docker engine is reachable, else a failure that says how to run the tests. Never a silent skip.
/// </summary>
public static class TestInfrastructure
{
    static readonly Lazy<Task<InfrastructureEndpoints>> Endpoints = new(ResolveAsync);

    public static Task<InfrastructureEndpoints> GetAsync() => Endpoints.Value;

    static async Task<InfrastructureEndpoints> ResolveAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("SHARELM_TEST_POSTGRES");
        var rabbit = Environment.GetEnvironmentVariable("SHARELM_TEST_RABBITMQ");
        var management = Environment.GetEnvironmentVariable("SHARELM_TEST_RABBITMQ_MANAGEMENT");
        if (!string.IsNullOrEmpty(postgres) && !string.IsNullOrEmpty(rabbit))
        {
            var endpoint = RabbitMqEndpoint.Parse(rabbit);
            return new InfrastructureEndpoints(ConnectionSettings.ToNpgsql(postgres), endpoint,
                new Uri(string.IsNullOrEmpty(management) ? $"http://{endpoint.Host}:15672" : management));
        }
        if (!DockerLooksReachable())
        {
            throw new InvalidOperationException(
                "The integration tests need PostgreSQL and RabbitMQ. Run them with deploy/local/test.sh (it starts both), " +
                "or set SHARELM_TEST_POSTGRES (postgresql:// URI), SHARELM_TEST_RABBITMQ (amqp:// URI) and " +
                "SHARELM_TEST_RABBITMQ_MANAGEMENT (http:// URL of the management API), or make a Docker engine reachable for Testcontainers.");
        }
        var pg = new PostgreSqlBuilder("postgres:15").WithCommand("-c", "max_connections=400").Build();
        var rmq = new RabbitMqBuilder("rabbitmq:3.13-management").WithUsername("guest").WithPassword("guest")
            .WithPortBinding(15672, true).Build();
        await Task.WhenAll(pg.StartAsync(), rmq.StartAsync());
        var builder = new NpgsqlConnectionStringBuilder(pg.GetConnectionString()) { Database = "postgres" };
        var amqp = RabbitMqEndpoint.Parse(rmq.GetConnectionString());
        return new InfrastructureEndpoints(builder.ConnectionString, amqp, new Uri($"http://{rmq.Hostname}:{rmq.GetMappedPublicPort(15672)}"));
    }

    static bool DockerLooksReachable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) ||
        (File.Exists("/var/run/docker.sock") && DockerPings());

    static bool DockerPings()
    {
        try
        {
            using var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                    await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint("/var/run/docker.sock"), ct);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                },
            };
            using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
            return client.GetAsync("http://docker/_ping").GetAwaiter().GetResult().IsSuccessStatusCode;
        }
        catch
        {
            return false;
        }
    }

    /// <summary>A management API client for the test broker.</summary>
    public static HttpClient Management(InfrastructureEndpoints endpoints)
    {
        var client = new HttpClient { BaseAddress = endpoints.Management, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{endpoints.RabbitMq.Username}:{endpoints.RabbitMq.Password}")));
        return client;
    }
}
