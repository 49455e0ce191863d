using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ShareLM.Ops.Terminal;

/// <summary>Reports how far a long operation is: done and total units.</summary>
public delegate void ReportProgress(long done, long? total);

/// <summary>
/// Progress for long operations: a bar with rate and ETA on a terminal; plain lines every couple of seconds
/// when the output is a file or a pipe (CI logs, cron mails).
/// </summary>
public static class ProgressDisplay
{
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<T> RunAsync<T>(string description, string unit, Func<ReportProgress, Task<T>> work)
    {
        if (Interactive)
        {
            return await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(unit),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(description, maxValue: 1);
                    var result = await work((done, total) =>
                    {
                        task.MaxValue = Math.Max(1, total ?? Math.Max(done, 1));
                        task.Value = Math.Min(done, task.MaxValue);
                    });
                    task.Value = task.MaxValue;
                    return result;
                });
        }

        var stopwatch = Stopwatch.StartNew();
        var lastPrint = TimeSpan.Zero;
        long lastDone = 0;
        long? lastTotal = null;
        void Print(bool final)
        {
            var elapsed = stopwatch.Elapsed.TotalSeconds;
            var rate = elapsed > 0 ? lastDone / elapsed : 0;
            var line = $"{description}: {lastDone:N0}" + (lastTotal is { } t ? $"/{t:N0} ({100.0 * lastDone / Math.Max(1, t):0.0}%)" : "") + $" {rate:N0} {unit}/s";
            if (!final && lastTotal is { } total && rate > 0) line += $" ETA {TimeSpan.FromSeconds((total - lastDone) / rate):hh\\:mm\\:ss}";
            if (final) line += $" done in {stopwatch.Elapsed:hh\\:mm\\:ss}";
            Console.WriteLine(line);
        }
        var value = await work((done, total) =>
        {
            lastDone = done;
            lastTotal = total;
            if (stopwatch.Elapsed - lastPrint >= TimeSpan.FromSeconds(2))
            {
                lastPrint = stopwatch.Elapsed;
                Print(false);
            }
        });
        Print(true);
        return value;
    }

    sealed class RateColumn(string unit) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Speed ?? 0:N0} {unit}/s", new Style(Color.Grey));
    }
}
