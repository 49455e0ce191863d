using System.Diagnostics;

namespace ShareLM.Ops.Tests;

/// <summary>Runs the operator tool as an operator would: its own process, settings in the environment, output not a terminal.</summary>
public static class OpsProcess
{
    static string Dll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            return Path.Combine(ServiceProcess.RepositoryRoot, "tools", "ShareLM.Ops", "bin", configuration, "net10.0", "sharelm-ops.dll");
        }
    }

    public static async Task<OpsResult> RunAsync(IReadOnlyDictionary<string, string?> settings, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in settings)
            if (value is not null) info.Environment[key.Replace(":", "__")] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new OpsResult(process.ExitCode, await output, await error);
    }
}
