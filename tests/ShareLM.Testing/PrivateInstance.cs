using System.Diagnostics;

namespace ShareLM.Testing;

/// <summary>
/// A PostgreSQL or RabbitMQ of a test's own, started and stopped through deploy/local/infra.sh, for tests
/// that take a dependency down and bring it back (the shared instances must stay up for everyone else).
/// </summary>
public abstract class PrivateInstance : IAsyncDisposable
{
    protected string Directory { get; } = Path.Combine(Path.GetTempPath(), "sharelm-private-" + Guid.NewGuid().ToString("N")[..12]);

    static string Script => Environment.GetEnvironmentVariable("SHARELM_TEST_INFRA") is { Length: > 0 } script
        ? script
        : Path.Combine(ServiceProcess.RepositoryRoot, "deploy", "local", "infra.sh");

    protected static async Task RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Script);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"infra.sh {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stdout}{await stderr}");
    }

    /// <summary>A file holding <paramref name="password"/>, readable by its owner only, as up.sh keeps them.</summary>
    protected string PasswordFile(string password)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, "password");
        File.WriteAllText(path, password);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    public abstract Task StartAsync();
    public abstract Task StopAsync();

    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); } catch { }
        // Where the postgres user cannot reach our folder (a private temp directory), infra.sh keeps PostgreSQL's data
        // in /var/tmp and links it from the instance's folder (<ours>/postgres/data): that goes too.
        if (System.IO.Directory.Exists(Directory))
            foreach (var link in new DirectoryInfo(Directory).EnumerateDirectories("data", SearchOption.AllDirectories))
                if (link.LinkTarget is { } target && Path.GetFileName(target).StartsWith("sharelm-pg.", StringComparison.Ordinal))
                    try { System.IO.Directory.Delete(target, recursive: true); } catch { }
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch { }
    }
}
