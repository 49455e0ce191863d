using Microsoft.Extensions.Configuration;
using Npgsql;
using ShareLM.ServiceDefaults.Hosting;

namespace ShareLM.ServiceDefaults.Tests;

/// <summary>The PostgreSQL settings every service and the operator tools derive from the same configuration.</summary>
public sealed class ConnectionSettingsTests
{
    static NpgsqlConnectionStringBuilder Postgres(string value) => new(ConnectionSettings.Postgres(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = value }).Build()));

    [Fact]
    public void A_libpq_uri_becomes_an_npgsql_connection_with_prepared_statements_by_default()
    {
        var builder = Postgres("postgresql://ops:s%40cret@db.example:6543/sharelm?application_name=ops&connect_timeout=7");
        Assert.Equal(("db.example", 6543, "sharelm", "ops", "s@cret"), (builder.Host, builder.Port, builder.Database, builder.Username, builder.Password));
        Assert.Equal(("ops", 7), (builder.ApplicationName, builder.Timeout));
        Assert.Equal(ConnectionSettings.DefaultMaxAutoPrepare, builder.MaxAutoPrepare);
    }

    [Theory]
    [InlineData("postgresql://postgres@127.0.0.1:5432/sharelm?Max%20Auto%20Prepare=0", 0)]
    [InlineData("Host=127.0.0.1;Database=sharelm;Max Auto Prepare=0", 0)]
    [InlineData("Host=127.0.0.1;Database=sharelm;max auto prepare=12", 12)]
    [InlineData("Host=127.0.0.1;Database=sharelm", ConnectionSettings.DefaultMaxAutoPrepare)]
    public void A_connection_string_that_names_its_own_preparation_keeps_it(string value, int expected) =>
        Assert.Equal(expected, Postgres(value).MaxAutoPrepare);

    [Theory]
    [InlineData("amqp://guest:guest@127.0.0.1/", "127.0.0.1", 5672, "/", false)]
    [InlineData("amqps://operator:s%40cret@mq.example.org:5671/sharelm", "mq.example.org", 5671, "sharelm", true)]
    [InlineData("amqps://operator:pw@mq.example.org/", "mq.example.org", 5671, "/", true)]
    [InlineData("amqps://operator:pw@mq.example.org:6000/", "mq.example.org", 6000, "/", true)]
    public void RabbitMq_is_reached_over_amqp_or_over_tls_with_amqps(string uri, string host, int port, string vhost, bool tls)
    {
        var endpoint = RabbitMqEndpoint.Parse(uri);
        Assert.Equal((host, (ushort)port, vhost, tls), (endpoint.Host, endpoint.Port, endpoint.VirtualHost, endpoint.UseTls));
    }

    [Fact]
    public void Another_scheme_is_refused_naming_the_ones_that_work()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => RabbitMqEndpoint.Parse("http://mq.example.org/"));
        Assert.Contains("amqps://", failure.Message);
    }
}
