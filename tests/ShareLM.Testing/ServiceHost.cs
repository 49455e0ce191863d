using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ShareLM.Testing;

/// <summary>One service hosted in the test process, on a free loopback port, with real PostgreSQL and RabbitMQ.</summary>
public sealed class ServiceHost : IAsyncDisposable
{
    WebApplication? _app;

    public required Service Service { get; init; }
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;
    public bool Running => _app is not null;

    public static async Task<ServiceHost> StartAsync(Service service, IReadOnlyDictionary<string, string?> settings,
        Action<WebApplicationBuilder>? configure = null, string? logFile = null)
    {
        var host = new ServiceHost { Service = service };
        await host.StartAsync(settings, configure, logFile);
        return host;
    }

    public async Task StartAsync(IReadOnlyDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null, string? logFile = null)
    {
        // In process, the consumer watchdog must never force an exit: that would end the test runner.
        var args = settings.Where(kv => kv.Value is not null).Select(kv => $"--{kv.Key}={kv.Value}")
            .Prepend("--Messaging:Watchdog:HardExitAfter=00:00:00")
            .Append($"--urls={(BaseAddress is null ? "http://127.0.0.1:0" : BaseAddress.ToString().TrimEnd('/'))}")
            .ToArray();
        void Configure(WebApplicationBuilder builder)
        {
            builder.Logging.ClearProviders();
            if (logFile is not null) builder.Logging.AddProvider(new FileLoggerProvider(logFile, Service.ToString()));
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));
            configure?.Invoke(builder);
        }
        _app = Service switch
        {
            Service.Ingest => ShareLM.Ingest.IngestApp.Build(args, Configure),
            Service.Retention => ShareLM.Retention.RetentionApp.Build(args, Configure),
            Service.Catalog => ShareLM.Catalog.CatalogApp.Build(args, Configure),
            _ => throw new ArgumentOutOfRangeException(nameof(Service)),
        };
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public T GetRequiredService<T>() where T : notnull => _app!.Services.GetRequiredService<T>();

    public async Task StopAsync()
    {
        if (_app is null) return;
        var app = _app;
        _app = null;
        try
        {
            await app.StopAsync();
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
