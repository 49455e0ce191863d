using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace ShareLM.EndToEnd.Tests;

/// <summary>
/// What up.sh runs, through the same deploy/local/infra.sh: PostgreSQL and RabbitMQ with passwords of their own
/// (no trust, no guest), everything on loopback, and a broker that is dying when asked to start is started afresh.
/// </summary>
public sealed class LocalInfrastructureTests
{
    static readonly string Password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    [Fact]
    public async Task PostgreSQL_needs_its_password_also_when_its_cluster_was_made_without_one()
    {
        await using var postgres = new PrivatePostgres();
        await postgres.StartAsync(); // made with trust, as before passwords
        await postgres.StopAsync();
        postgres.Password = Password;
        await postgres.StartAsync();
        await using (var connection = new NpgsqlConnection(postgres.AdminConnectionString)) await connection.OpenAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={postgres.Port};Username=postgres;Password=wrong;Database=postgres;Pooling=false");
            await connection.OpenAsync();
        });
        Assert.Equal("28P01", refused.SqlState); // password authentication failed
        await using (var connection = new NpgsqlConnection(postgres.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var listen = new NpgsqlCommand("show listen_addresses", connection);
            Assert.Equal("127.0.0.1", await listen.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task RabbitMQ_has_no_guest_listens_on_loopback_only_and_a_killed_broker_is_started_again()
    {
        await using var rabbit = new PrivateRabbitMq { Password = Password };
        await rabbit.StartAsync();
        using var management = new HttpClient { BaseAddress = rabbit.Management };
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(management, "guest:guest", "/api/overview")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(management, $"sharelm:{Password}", "/api/aliveness-test/%2F")).StatusCode);
        foreach (var port in new[] { rabbit.AmqpPort, rabbit.DistributionPort, rabbit.EpmdPort })
        {
            var addresses = ListeningAddresses(port);
            Assert.NotEmpty(addresses);
            Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(IPAddress.Parse(a)), $"port {port} listens on {a}"));
        }

        // Killed hard: its launcher lingers a moment, which must not pass for a running broker.
        var beam = Descendants(int.Parse(File.ReadAllText(Path.Combine(rabbit.StateDirectory, "rabbitmq.pid")).Trim()))
            .Where(p => ProcessName(p) is "beam.smp").ToList();
        Assert.NotEmpty(beam);
        foreach (var pid in beam) Process.GetProcessById(pid).Kill();
        await rabbit.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await Get(management, $"sharelm:{Password}", "/api/aliveness-test/%2F")).StatusCode);
    }

    static async Task<HttpResponseMessage> Get(HttpClient client, string credentials, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return await client.SendAsync(request);
    }

    /// <summary>The local addresses listening on a TCP port, from /proc/net/tcp and tcp6.</summary>
    static List<string> ListeningAddresses(int port)
    {
        var found = new List<string>();
        foreach (var (file, v6) in new[] { ("/proc/net/tcp", false), ("/proc/net/tcp6", true) })
        {
            if (!File.Exists(file)) continue;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] != "0A" || Convert.ToInt32(local[1], 16) != port) continue; // 0A: listening
                var bytes = Convert.FromHexString(local[0]);
                // /proc prints each 32-bit word little-endian.
                for (var i = 0; i < bytes.Length; i += 4) Array.Reverse(bytes, i, 4);
                var address = new IPAddress(bytes);
                found.Add(address.IsIPv4MappedToIPv6 ? address.MapToIPv4().ToString() : address.ToString());
            }
        }
        return found;
    }

    static IEnumerable<int> Descendants(int pid)
    {
        foreach (var dir in Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => int.TryParse(n, out _)))
        {
            string stat;
            try { stat = File.ReadAllText($"/proc/{dir}/stat"); } catch (IOException) { continue; }
            var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            if (parent == pid)
            {
                yield return int.Parse(dir!);
                foreach (var child in Descendants(int.Parse(dir!))) yield return child;
            }
        }
    }

    static string ProcessName(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); } catch (IOException) { return ""; }
    }
}
