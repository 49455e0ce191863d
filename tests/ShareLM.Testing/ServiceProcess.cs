using System.Diagnostics;

namespace ShareLM.Testing;

/// <summary>
/// A service run as its own process, the way up.sh runs it: for tests that kill -9 and restart services, or
/// run two instances of each. Output goes to a log file.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    Process? _process;
    readonly Lock _gate = new();
    bool _expectingExit;

    /// <summary>Start the service again when it exits on its own, as up.sh's supervisor does (kill and stop are deliberate).</summary>
    public bool Supervised { get; init; } = true;

    public required Service Service { get; init; }
    public required int Port { get; init; }
    public required IReadOnlyDictionary<string, string?> Settings { get; init; }
    public required string LogFile { get; init; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public bool Running => _process is { HasExited: false };
    public int? ProcessId => _process?.Id;

    public static string RepositoryRoot { get; } = FindRoot();

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ShareLM.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (ShareLM.sln) above " + AppContext.BaseDirectory);
    }

    /// <summary>The build configuration the tests were built with; the services were built with it too.</summary>
    static string Configuration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    public static string BinaryDirectory(Service service) =>
        Path.Combine(RepositoryRoot, "services", $"ShareLM.{service}", "bin", Configuration, "net10.0");

    public void Start()
    {
        lock (_gate)
        {
            _expectingExit = false;
            StartLocked();
        }
    }

    void StartLocked()
    {
        if (Running) return;
        var directory = BinaryDirectory(Service);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(directory, $"ShareLM.{Service}.dll"));
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{Port}");
        foreach (var (key, value) in Settings)
            if (value is not null) info.Environment[key.Replace(":", "__")] = value;
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var log = new StreamWriter(LogFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Exited += (_, _) =>
        {
            lock (log) log.WriteLine($"--- {Service} exited ({DateTimeOffset.UtcNow:O})");
            if (!Supervised) return;
            _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ =>
            {
                lock (_gate)
                {
                    if (_expectingExit || !ReferenceEquals(_process, process)) return;
                    lock (log) log.WriteLine($"--- supervisor: starting {Service} again");
                    _process = null;
                    StartLocked();
                }
            }, TaskScheduler.Default);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.True(async () =>
        {
            if (!Running) throw new InvalidOperationException($"{Service} exited; see {LogFile}");
            return (await client.GetAsync("/health/ready")).IsSuccessStatusCode;
        }, timeout, $"{Service} to be ready");
    }

    /// <summary>kill -9: no shutdown hooks, no draining.</summary>
    public void Kill()
    {
        lock (_gate) _expectingExit = true;
        if (_process is null) return;
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
        _process = null;
    }

    /// <summary>SIGTERM and wait: graceful shutdown.</summary>
    public async Task StopAsync()
    {
        lock (_gate) _expectingExit = true;
        if (_process is null) return;
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString()])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            try { await _process.WaitForExitAsync(timeout.Token); } catch (OperationCanceledException) { Kill(); }
        }
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
    }
}
