using System.Net;

namespace ShareLM.Ingest.Tests;

/// <summary>With Http:MetricsPort, /metrics answers on that port only; the public port says it does not exist.</summary>
public sealed class MetricsPortTests(IngestOnlyFixture fixture) : IClassFixture<IngestOnlyFixture>
{
    [Fact]
    public async Task Metrics_answer_only_on_the_configured_port()
    {
        int publicPort = FreePort.Next(), metricsPort = FreePort.Next();
        var settings = fixture.Environment.ServiceSettings(TimeSpan.FromMinutes(10));
        settings["Http:MetricsPort"] = metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] args = [.. settings.Select(s => $"--{s.Key}={s.Value}"), $"--urls=http://127.0.0.1:{publicPort};http://127.0.0.1:{metricsPort}"];
        await using var app = IngestApp.Build(args);
        await app.StartAsync();
        using var client = new HttpClient();
        var onPublic = await client.GetAsync($"http://127.0.0.1:{publicPort}/metrics");
        Assert.Equal(HttpStatusCode.NotFound, onPublic.StatusCode);
        // The Host header is the client's to choose: it does not open the door.
        using var pretending = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{publicPort}/metrics");
        pretending.Headers.Host = $"127.0.0.1:{metricsPort}";
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(pretending)).StatusCode);
        var onMetrics = await client.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Equal(HttpStatusCode.OK, onMetrics.StatusCode);
        Assert.Contains("# TYPE", await onMetrics.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"http://127.0.0.1:{publicPort}/health/live")).StatusCode);
        await app.StopAsync();
    }
}
