using System.Text.Json;
using ShareLM.Benchmarks;

// sharelm-bench [ingest] [lifecycle] [scheduler] [rebuild] [import] [memory] [redaction] [--conversations N] [--duration S]
//               [--concurrency C] [--warmup S] [--results FILE]
// Run it through deploy/local/bench.sh, which starts the local stack with benchmark settings first.
// --results FILE merges this run's suites into the JSON object in FILE (bench.sh runs the suites in two phases).
var resultsFile = Array.IndexOf(args, "--results") is var r and >= 0 && r + 1 < args.Length ? args[r + 1] : null;
var suites = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (i == 0 || !args[i - 1].StartsWith("--", StringComparison.Ordinal)))
    .ToHashSet(StringComparer.OrdinalIgnoreCase);
int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
string[] all = ["ingest", "lifecycle", "scheduler", "rebuild", "import", "memory", "redaction"];
if (suites.Count == 0) suites = [.. all];
var unknown = suites.Except(all).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"unknown suite(s): {string.Join(", ", unknown)}; the suites are {string.Join(", ", all)}");
    return 2;
}
var settings = BenchSettings.FromEnvironment(Option("--conversations", 1_000_000), TimeSpan.FromSeconds(Option("--duration", 30)),
    Option("--concurrency", 64), TimeSpan.FromSeconds(Option("--warmup", 60)));
var results = new System.Text.Json.Nodes.JsonObject
{
    ["machine"] = JsonSerializer.SerializeToNode(new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() }),
};
if (resultsFile is not null && File.Exists(resultsFile) && new FileInfo(resultsFile).Length > 0 && System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(resultsFile)) is System.Text.Json.Nodes.JsonObject earlier)
{
    foreach (var (key, value) in earlier.ToList())
    {
        earlier.Remove(key);
        results[key] = value;
    }
}
foreach (var suite in all.Where(suites.Contains))
{
    try
    {
        results[suite] = JsonSerializer.SerializeToNode<object>(suite switch
        {
            "ingest" => await IngestBenchmark.RunAsync(settings),
            "lifecycle" => await LifecycleBenchmark.RunAsync(settings),
            "scheduler" => await SchedulerBenchmark.RunAsync(settings),
            "rebuild" => await StoreBenchmarks.RebuildAndSnapshotAsync(settings),
            "import" => await StoreBenchmarks.ImportAsync(settings),
            "memory" => ServiceMemory.Read(settings),
            "redaction" => await RedactionBenchmark.RunAsync(settings),
            _ => throw new InvalidOperationException(),
        }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
    }
    catch (Exception e)
    {
        results[suite] = new System.Text.Json.Nodes.JsonObject { ["error"] = e.Message };
        Measure.Progress($"{suite} failed: {e}");
    }
}
if (suites.Contains("rebuild") || suites.Contains("import")) await StoreBenchmarks.DropAsync(settings);
var json = results.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
if (resultsFile is not null) File.WriteAllText(resultsFile, json);
Console.WriteLine(json);
return 0;
