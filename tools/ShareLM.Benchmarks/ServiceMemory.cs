namespace ShareLM.Benchmarks;

/// <summary>Peak resident memory (VmHWM) of each running service, read from /proc for the processes up.sh recorded.</summary>
public static class ServiceMemory
{
    public static object Read(BenchSettings settings)
    {
        var result = new Dictionary<string, object>();
        foreach (var (service, supervisor) in settings.Services())
        {
            if (supervisor is not { } pid) { result[service] = "not running"; continue; }
            // The recorded process is the supervisor; the service is its dotnet child.
            var target = Children(pid).FirstOrDefault(p => Command(p).Contains($"ShareLM.{service}.dll")) is var child && child != 0 ? child : pid;
            var status = File.ReadAllLines($"/proc/{target}/status");
            string Field(string name) => status.FirstOrDefault(l => l.StartsWith(name + ":"))?.Split(':', 2)[1].Trim() ?? "?";
            result[service] = new { peak_rss = Field("VmHWM"), rss = Field("VmRSS") };
        }
        return result;
    }

    static IEnumerable<int> Children(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path) ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse) : [];
    }

    static string Command(int pid) => File.Exists($"/proc/{pid}/cmdline") ? File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ') : "";
}
