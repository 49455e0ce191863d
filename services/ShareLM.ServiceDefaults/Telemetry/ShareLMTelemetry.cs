using System.Diagnostics;
using System.Diagnostics.Metrics;
using JasperFx.Events;

namespace ShareLM.ServiceDefaults.Telemetry;

/// <summary>
/// The project's own activity source and meter. Trace context rides from the HTTP request into each event's
/// headers (<see cref="TraceParentHeader"/>), from there into the relayed message (MassTransit propagates it),
/// into the scheduler's table, and into the Catalog projection, so one conversation's lifecycle is one trace.
/// </summary>
public static class ShareLMTelemetry
{
    public const string SourceName = "ShareLM";
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";
    public const string CorrelationHeader = "X-Correlation-Id";

    public static readonly ActivitySource Source = new(SourceName);
    public static readonly Meter Meter = new(SourceName);

    public static readonly Counter<long> Accepted = Meter.CreateCounter<long>("sharelm.conversations.accepted", description: "Conversations captured (first revision).");
    public static readonly Counter<long> Revised = Meter.CreateCounter<long>("sharelm.conversations.revised", description: "Revisions appended (re-sends and rating changes).");
    public static readonly Counter<long> Published = Meter.CreateCounter<long>("sharelm.conversations.published", description: "Revisions made public.");
    public static readonly Counter<long> Deleted = Meter.CreateCounter<long>("sharelm.conversations.deleted", description: "Conversations erased.");
    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>("sharelm.requests.rejected", description: "Requests refused, by reason.");
    public static readonly Counter<long> ConsumerFailures = Meter.CreateCounter<long>("sharelm.consumer.failures", description: "Consumer attempts that threw.");
    public static readonly Histogram<double> RelayLag = Meter.CreateHistogram<double>("sharelm.relay.lag", "s", "From event commit to its message on the bus.");
    public static readonly Histogram<double> SchedulerLag = Meter.CreateHistogram<double>("sharelm.scheduler.due_to_sent", "s", "From a scheduled message's due time to its send.");
    public static readonly Histogram<double> ProjectionLag = Meter.CreateHistogram<double>("sharelm.catalog.projection.lag", "s", "From event commit to its projection into the Catalog.");

    /// <summary>The W3C traceparent of the current activity, if any.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } a ? a.Id : null;

    /// <summary>The trace context recorded in an event's headers, so work on it continues that trace.</summary>
    public static ActivityContext ContextOf(IEvent e)
    {
        if (TraceParentOf(e) is { } parent &&
            ActivityContext.TryParse(parent, e.Headers!.TryGetValue(TraceStateHeader, out var state) ? state?.ToString() : null, out var context))
            return context;
        return default;
    }

    /// <summary>The W3C traceparent recorded in an event's headers, if any.</summary>
    public static string? TraceParentOf(IEvent e) =>
        e.Headers is { } headers && headers.TryGetValue(TraceParentHeader, out var value) ? value?.ToString() : null;

    public static ActivityContext Parse(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;

    /// <summary>Starts an activity that continues the trace of <paramref name="parent"/> (when it has one).</summary>
    public static Activity? StartContinuing(string name, ActivityContext parent, ActivityKind kind = ActivityKind.Internal) =>
        parent == default ? Source.StartActivity(name, kind) : Source.StartActivity(name, kind, parent);
}
