using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ShareLM.Conversations;
using ShareLM.ServiceDefaults.Http;
using ShareLM.ServiceDefaults.Resilience;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.ServiceDefaults.Hosting;

/// <summary>
/// What every service gets: structured JSON logs carrying trace ids, OpenTelemetry traces and metrics
/// (OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, Prometheus at /metrics), /health/live and /health/ready,
/// RFC 7807 problems with 503 + Retry-After for an unavailable dependency, and the resilience pipelines.
/// </summary>
public static class ServiceDefaults
{
    public const string ReadyTag = "ready";
    public const string PostgresCheck = "postgresql";

    /// <param name="defaultUrl">Where the service listens unless <c>--urls</c> / <c>ASPNETCORE_URLS</c> say otherwise.</param>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName, string defaultUrl)
    {
        // Defaults live in code (there is no appsettings.json); environment variables and arguments override them.
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(defaultUrl);
        // One clock for every service (a host, the tests, may register another after this).
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Logging.ClearProviders();
        // Quiet defaults for chatty libraries; Logging__LogLevel__<Category> overrides any of them.
        foreach (var (category, level) in new[]
                 {
                     ("Microsoft.AspNetCore", LogLevel.Warning), ("MassTransit", LogLevel.Warning), ("Marten", LogLevel.Warning),
                     ("JasperFx", LogLevel.Warning), ("Polly", LogLevel.Warning),
                 })
        {
            if (builder.Configuration[$"Logging:LogLevel:{category}"] is null) builder.Logging.AddFilter(category, level);
        }
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
        });
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        builder.Services.AddOptions<HoldOptions>().BindConfiguration(HoldOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddShareLMResilience();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DependencyFailureHandler>();
        builder.Services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<Microsoft.Extensions.Options.IOptions<HttpOptions>>((kestrel, http) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = http.Value.MaxRequestBodyBytes;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: $"{Environment.MachineName}:{Environment.ProcessId}"))
            .WithTracing(t => t
                .AddSource(ShareLMTelemetry.SourceName, "MassTransit", "Marten")
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx =>
                    !ctx.Request.Path.StartsWithSegments("/health") && !ctx.Request.Path.StartsWithSegments("/metrics"))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(m => m
                .AddMeter(ShareLMTelemetry.SourceName, "MassTransit", "Marten", "Npgsql")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        else
            // Nothing exports spans: keep the trace context flowing (log lines, event headers, messages) but
            // do not record spans nobody reads, which costs CPU on every request, message and query. A sampled
            // parent from upstream (a service that exports) is still followed.
            otel.WithTracing(t => t.SetSampler(new ParentBasedSampler(new AlwaysOffSampler())));

        var postgres = ConnectionSettings.Postgres(builder.Configuration);
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"])
            .AddCheck(PostgresCheck, new ThrottledHealthCheck(new PostgresHealthCheck(postgres)), HealthStatus.Unhealthy, [ReadyTag]);
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        var readOnly = new HttpMethodMetadata(["GET", "HEAD"]);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live"), ResponseWriter = WriteHealth })
            .WithMetadata(readOnly);
        // MassTransit tags its bus check "ready" too, so readiness covers PostgreSQL, RabbitMQ and daemon lag.
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteHealth })
            .WithMetadata(readOnly);
        var metricsPort = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpOptions>>().Value.MetricsPort;
        if (metricsPort > 0)
        {
            app.UseWhen(http => http.Request.Path.StartsWithSegments("/metrics") && http.Connection.LocalPort != metricsPort,
                refuse => refuse.Run(http =>
                {
                    http.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }));
        }
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(readOnly);
        return app;
    }

    /// <summary>
    /// Believes <c>X-Forwarded-For</c>/<c>-Proto</c> from the proxies in <c>Http:KnownProxies</c> only (first in the
    /// pipeline, so limits count the client's address); with none configured, the headers are ignored.
    /// </summary>
    public static WebApplication UseKnownProxies(this WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpOptions>>().Value.KnownProxies;
        if (proxies.Length == 0) return app;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var proxy in proxies) options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
        app.UseForwardedHeaders(options);
        return app;
    }

    static Task WriteHealth(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                data = e.Value.Data.Count == 0 ? null : e.Value.Data,
            }),
        });
    }
}

/// <summary>Readiness of PostgreSQL: a connection and a round trip within a few seconds.</summary>
public sealed class PostgresHealthCheck(string connectionString) : IHealthCheck
{
    readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3, Pooling = false }.ConnectionString;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(timeout.Token);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL unreachable", e);
        }
    }
}
