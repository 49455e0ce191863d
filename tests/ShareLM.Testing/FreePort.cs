using System.Net;
using System.Net.Sockets;

namespace ShareLM.Testing;

public static class FreePort
{
    static readonly HashSet<int> HandedOut = [];
    static readonly Lock Gate = new();

    /// <summary>
    /// A loopback port that was free a moment ago, taken below the kernel's ephemeral range: a port from that
    /// range can be given to any outgoing connection meanwhile, so a broker restarted on it (or its Erlang
    /// distribution port) could find it taken. Never the same port twice in one test process.
    /// </summary>
    public static int Next()
    {
        var below = EphemeralRangeStart();
        lock (Gate)
        {
            for (var attempt = 0; attempt < 200 && below > 11_000; attempt++)
            {
                var port = Random.Shared.Next(10_000, below);
                if (HandedOut.Contains(port)) continue;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                }
                catch (SocketException)
                {
                    continue;
                }
                HandedOut.Add(port);
                return port;
            }
            using var any = new TcpListener(IPAddress.Loopback, 0);
            any.Start();
            var fallback = ((IPEndPoint)any.LocalEndpoint).Port;
            HandedOut.Add(fallback);
            return fallback;
        }
    }

    static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768; // Linux's default
        }
    }
}
