using System.Text.Json;
using ShareLM.Benchmarks;

// sharelm-bench [ingest] [lifecycle] [scheduler] [rebuild] [import] [memory] [--conversations N] [--duration S] [--concurrency C]
// Run it through deploy/local/bench.sh, which starts the local stack with benchmark settings first.
var suites = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _)).ToHashSet(StringComparer.OrdinalIgnoreCase);
int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
string[] all = ["ingest", "lifecycle", "scheduler", "rebuild", "import", "memory"];
if (suites.Count == 0) suites = [.. all];
var settings = BenchSettings.FromEnvironment(Option("--conversations", 1_000_000), TimeSpan.FromSeconds(Option("--duration", 30)), Option("--concurrency", 64));
var results = new Dictionary<string, object>
{
    ["machine"] = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() },
};
foreach (var suite in all.Where(suites.Contains))
{
    try
    {
        results[suite] = suite switch
        {
            "ingest" => await IngestBenchmark.RunAsync(settings),
            "lifecycle" => await LifecycleBenchmark.RunAsync(settings),
            "scheduler" => await SchedulerBenchmark.RunAsync(settings),
            "rebuild" => await StoreBenchmarks.RebuildAndSnapshotAsync(settings),
            "import" => await StoreBenchmarks.ImportAsync(settings),
            "memory" => ServiceMemory.Read(settings),
            _ => throw new InvalidOperationException(),
        };
    }
    catch (Exception e)
    {
        results[suite] = new { error = e.Message };
        Measure.Progress($"{suite} failed: {e}");
    }
}
if (suites.Contains("rebuild") || suites.Contains("import")) await StoreBenchmarks.DropAsync(settings);
Console.WriteLine(JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
