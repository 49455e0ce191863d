using System.Diagnostics;

namespace ShareLM.Ops.Tests;

public sealed record OpsResult(int ExitCode, string Output, string Error);

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

public sealed class OpsFixture : StackFixture
{
    protected override StackOptions Options => new() { HoldWindow = TimeSpan.FromMinutes(10), Settings = new() { ["Retention:Reconciliation:Interval"] = "00:00:00" } };

    public IReadOnlyDictionary<string, string?> OpsSettings
    {
        get
        {
            var settings = Stack.Settings.ToDictionary();
            settings["RabbitMq:ManagementUrl"] = Environment.Infrastructure.Management.ToString();
            return settings;
        }
    }

    public Task<OpsResult> RunAsync(params string[] args) => OpsProcess.RunAsync(OpsSettings, args);

    public async Task<Guid> PublishAsync(Contributor contributor, object conversation)
    {
        var id = Guid.Parse((string)(await Ingest.CaptureAsync(contributor, conversation))["id"]!);
        await Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{id}/publish");
        await Eventually.Get(() => Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "publication");
        return id;
    }
}
