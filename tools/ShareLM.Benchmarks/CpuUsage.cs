namespace ShareLM.Benchmarks;

/// <summary>
/// CPU time of every part of the local stack, read from /proc (Linux only): the three services (the processes
/// up.sh recorded, with their children), PostgreSQL (every process named postgres, including the backends it has
/// already reaped), RabbitMQ (the Erlang VM and its helpers) and this load generator. Two readings give each
/// part's share of one core over the window between them, so a benchmark can say where its time went.
/// </summary>
public sealed class CpuUsage
{
    static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux architecture .NET runs on

    readonly Dictionary<string, double> seconds;
    readonly DateTime at;

    CpuUsage(Dictionary<string, double> seconds, DateTime at) => (this.seconds, this.at) = (seconds, at);

    public static bool Available => File.Exists("/proc/self/stat");

    /// <param name="self">what this process is doing, e.g. the load generator or the importer</param>
    public static CpuUsage Read(BenchSettings settings, string self = "load_generator")
    {
        var parts = new Dictionary<string, double>();
        if (!Available) return new CpuUsage(parts, DateTime.UtcNow);
        var services = settings.Services().Where(s => s.Supervisor is not null)
            .ToDictionary(s => s.Supervisor!.Value, s => s.Service.ToLowerInvariant());
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(directory, "stat")); }
            catch (IOException) { continue; } // exited meanwhile
            catch (UnauthorizedAccessException) { continue; }
            var close = stat.LastIndexOf(')');
            var name = stat[(stat.IndexOf('(') + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            // utime, stime, and the reaped children's cutime, cstime (fields 14–17 of proc(5))
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]) + long.Parse(fields[13]) + long.Parse(fields[14]);
            var ppid = int.Parse(fields[1]);
            var part = pid == Environment.ProcessId ? self
                : services.TryGetValue(pid, out var s) ? s
                : services.TryGetValue(ppid, out var p) ? p
                : name == "postgres" ? "postgres"
                : name is "beam.smp" or "erl_child_setup" or "epmd" or "inet_gethost" ? "rabbitmq"
                : null;
            if (part is null) continue;
            parts[part] = parts.GetValueOrDefault(part) + ticks / TicksPerSecond;
        }
        return new CpuUsage(parts, DateTime.UtcNow);
    }

    /// <summary>Each part's CPU between two readings, in percent of one core (the machine has 100% per core).</summary>
    public static Dictionary<string, double> PercentOfOneCore(CpuUsage before, CpuUsage after)
    {
        var elapsed = (after.at - before.at).TotalSeconds;
        return after.seconds.Keys.Union(before.seconds.Keys)
            .Select(part => (part, percent: (after.seconds.GetValueOrDefault(part) - before.seconds.GetValueOrDefault(part)) / elapsed * 100))
            .OrderByDescending(x => x.percent)
            .ToDictionary(x => x.part, x => Math.Round(Math.Max(0, x.percent), 1));
    }

    /// <summary>Each part's CPU between two readings divided by the units of work done, in microseconds per unit.</summary>
    public static Dictionary<string, double> MicrosecondsPer(CpuUsage before, CpuUsage after, long units) =>
        after.seconds.Keys.Union(before.seconds.Keys)
            .Select(part => (part, us: (after.seconds.GetValueOrDefault(part) - before.seconds.GetValueOrDefault(part)) * 1e6 / Math.Max(1, units)))
            .OrderByDescending(x => x.us)
            .ToDictionary(x => x.part, x => Math.Round(Math.Max(0, x.us), 0));
}
