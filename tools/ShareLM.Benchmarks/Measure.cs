using System.Diagnostics;

namespace ShareLM.Benchmarks;

/// <summary>Percentiles and a sampler of the managed heap's high-water mark.</summary>
public static class Measure
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = p / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = (int)Math.Ceiling(rank);
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
    }

    public static object Summary(IReadOnlyList<double> milliseconds) => new
    {
        count = milliseconds.Count,
        p50_ms = Math.Round(Percentile(milliseconds, 50), 1),
        p99_ms = Math.Round(Percentile(milliseconds, 99), 1),
        max_ms = milliseconds.Count == 0 ? double.NaN : Math.Round(milliseconds.Max(), 1),
    };

    /// <summary>Samples the managed heap while <paramref name="work"/> runs; returns the peak in MiB.</summary>
    public static async Task<(T Result, double PeakHeapMiB, TimeSpan Elapsed)> WithPeakHeapAsync<T>(Func<Task<T>> work)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long peak = GC.GetTotalMemory(true);
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false));
                try { await Task.Delay(20, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var stopwatch = Stopwatch.StartNew();
        var result = await work();
        stopwatch.Stop();
        stop.Cancel();
        await sampler;
        return (result, Math.Round(peak / 1024.0 / 1024.0, 1), stopwatch.Elapsed);
    }

    public static void Progress(string message) => Console.Error.WriteLine($"{DateTime.Now:HH:mm:ss} {message}");
}
