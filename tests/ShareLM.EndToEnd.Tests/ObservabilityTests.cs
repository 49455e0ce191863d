using System.Diagnostics;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace ShareLM.EndToEnd.Tests;

/// <summary>One conversation's lifecycle is one trace across the three services; every service exports its metrics.</summary>
public sealed class ObservabilityTests(ITestOutputHelper output) : IAsyncLifetime
{
    IsolatedEnvironment _environment = null!;
    ServiceStack _stack = null!;
    readonly SynchronizedCollection<Activity> _spans = new();

    public async Task InitializeAsync()
    {
        _environment = await IsolatedEnvironment.CreateAsync("traces");
        _stack = await ServiceStack.StartAsync(_environment, new StackOptions
        {
            // Long enough that the hold is still running when Retention schedules it, also on a busy machine:
            // the scheduler's due-to-sent histogram exists only once a scheduled row has been sent.
            HoldWindow = TimeSpan.FromSeconds(6),
            // Activity listeners are process-wide: one exporter on one host sees the spans of all three.
            Configure = (service, builder) =>
            {
                if (service == Service.Ingest) builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(_spans));
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        await _environment.DisposeAsync();
    }

    List<Activity> Spans() => _spans.Snapshot();

    [Fact]
    public async Task A_conversations_lifecycle_is_one_trace_from_the_request_to_the_catalog()
    {
        var contributor = await _stack.Ingest.RegisterAsync();
        // The listeners are process-wide, so stacks of other test classes running meanwhile are heard too: the
        // capture is sent inside a trace of the test's own, as a traced caller's would be, and only that trace is read.
        var trace = ActivityTraceId.CreateRandom();
        Guid id;
        using (new Activity("test.capture").SetParentId(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
            id = Guid.Parse((string)(await _stack.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("traced")))["id"]!);
        await Eventually.Get(() => _stack.Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(30), "publication");

        var request = Spans().Single(s => s.TraceId == trace && s.Kind == ActivityKind.Server);
        Assert.Equal("POST", request.GetTagItem("http.request.method"));
        Assert.Contains("/v1/conversations", request.DisplayName);
        bool InTrace(Activity s) => s.TraceId == trace || s.Links.Any(l => l.Context.TraceId == trace);
        await Eventually.True(() => Task.FromResult(Spans().Any(s => InTrace(s) && s.DisplayName == "catalog.project conversation_published")),
            TimeSpan.FromSeconds(10), "the catalog span");
        var spans = Spans().Where(InTrace).ToList();
        foreach (var s in spans.OrderBy(s => s.StartTimeUtc)) output.WriteLine($"{s.StartTimeUtc:HH:mm:ss.fff} {s.Source.Name,-32} {s.Kind,-9} {s.DisplayName}");

        Assert.Contains(spans, s => s.DisplayName == "relay holds_started");                                    // Ingest's relay
        Assert.Contains(spans, s => s.Kind == ActivityKind.Consumer && s.DisplayName.Contains("sharelm-retention-holds")); // Retention receives
        Assert.Contains(spans, s => s.DisplayName == "hold.schedule" && s.GetTagItem("sharelm.conversation.id") is Guid g && g == id); // and schedules
        Assert.Contains(spans, s => s.DisplayName == "scheduler.dispatch");                                       // the scheduler sends when due
        Assert.Contains(spans, s => s.Kind == ActivityKind.Consumer && s.DisplayName.Contains("sharelm-retention-publication")); // publication
        Assert.Contains(spans, s => s.DisplayName == "catalog.project conversation_published");                  // Catalog
    }

    static readonly string[] RequiredMetrics =
    [
        "sharelm_conversations_accepted_total", "sharelm_conversations_published_total", "sharelm_requests_rejected_total",
        "sharelm_relay_lag_seconds", "sharelm_scheduler_due_to_sent_seconds", "sharelm_scheduler_pending",
        "sharelm_catalog_projection_lag_seconds",
    ];

    [Fact]
    public async Task Every_service_exports_prometheus_metrics()
    {
        var contributor = await _stack.Ingest.RegisterAsync();
        var id = Guid.Parse((string)(await _stack.Ingest.CaptureAsync(contributor, Clients.SimpleConversation("metered")))["id"]!);
        await _stack.Ingest.SendAsync(contributor, HttpMethod.Post, "/v1/conversations", new { conversationId = "" });
        await Eventually.Get(() => _stack.Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(30), "publication");

        foreach (var service in new[] { Service.Ingest, Service.Retention, Service.Catalog })
        {
            using var client = _stack[service].CreateClient();
            string[] missing = [];
            try
            {
                await Eventually.True(async () =>
                {
                    var metrics = await client.GetStringAsync("/metrics");
                    missing = [.. RequiredMetrics.Where(m => !metrics.Contains(m))];
                    return missing.Length == 0;
                }, TimeSpan.FromSeconds(20), $"{service} metrics");
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{service} /metrics still lacks {string.Join(", ", missing)} after 20 s");
            }
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        }
    }
}
