using System.Net.Http.Headers;
using System.Text;
using Marten;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using ShareLM.Catalog.Projection;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Conversations.Language;
using ShareLM.ServiceDefaults.EventStore;
using ShareLM.ServiceDefaults.Hosting;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Ops;

/// <summary>
/// What a command talks to, from the same settings the services read (environment variables in the ASP.NET
/// Core way: <c>ConnectionStrings__Postgres</c>, <c>ConnectionStrings__RabbitMq</c>, <c>Catalog__ReleaseSecret</c>),
/// plus <c>RabbitMq__ManagementUrl</c> for queue statistics. deploy/local/ops.sh sets them from .local/sharelm.env.
/// Everything is created on first use, so a command only connects to what it needs.
/// </summary>
public sealed class OpsContext : IAsyncDisposable
{
    readonly Lazy<DocumentStore> _store;
    readonly Lazy<NpgsqlDataSource> _db;
    IHost? _busHost;

    public OpsContext(IConfiguration configuration)
    {
        Configuration = configuration;
        Postgres = ConnectionSettings.Postgres(configuration);
        _store = new Lazy<DocumentStore>(() => DocumentStore.For(options =>
        {
            EventStoreSetup.Configure(options, Postgres, "sharelm-ops");
            CatalogSchema.Register(options);
        }));
        _db = new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(Postgres) { ApplicationName = "sharelm-ops" }.ConnectionString));
    }

    public IConfiguration Configuration { get; }
    public string Postgres { get; }
    public DocumentStore Store => _store.Value;
    public NpgsqlDataSource Db => _db.Value;

    public static OpsContext FromEnvironment()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        // The names deploy/local/up.sh writes to .local/sharelm.env work too.
        var fallback = new Dictionary<string, string?>();
        if (string.IsNullOrEmpty(configuration.GetConnectionString("Postgres")) && Environment.GetEnvironmentVariable("SHARELM_POSTGRES_URL") is { } pg)
            fallback["ConnectionStrings:Postgres"] = pg;
        if (string.IsNullOrEmpty(configuration.GetConnectionString("RabbitMq")) && Environment.GetEnvironmentVariable("SHARELM_RABBITMQ_URL") is { } mq)
            fallback["ConnectionStrings:RabbitMq"] = mq;
        if (string.IsNullOrEmpty(configuration["RabbitMq:ManagementUrl"]) && Environment.GetEnvironmentVariable("SHARELM_RABBITMQ_MANAGEMENT_URL") is { } mgmt)
            fallback["RabbitMq:ManagementUrl"] = mgmt;
        if (string.IsNullOrEmpty(configuration["Catalog:ReleaseSecret"]) && Environment.GetEnvironmentVariable("SHARELM_RELEASE_SECRET") is { } secret)
            fallback["Catalog:ReleaseSecret"] = secret;
        return new OpsContext(new ConfigurationBuilder().AddInMemoryCollection(fallback).AddConfiguration(configuration).Build());
    }

    public CatalogProjection CatalogProjection()
    {
        var secret = Configuration["Catalog:ReleaseSecret"];
        if (string.IsNullOrEmpty(secret))
            throw new InvalidOperationException("Catalog__ReleaseSecret must be set to the Catalog's release secret (pseudonyms depend on it).");
        // The language of publications recorded before it was, as the Catalog detects it.
        var accuracy = Configuration.GetValue<LanguageAccuracy?>($"{LanguageOptions.Section}:{nameof(LanguageOptions.Accuracy)}") ?? LanguageAccuracy.High;
        return new CatalogProjection(new Pseudonymizer(secret), Db, LanguageDetector.For(accuracy), TimeProvider.System);
    }

    /// <summary>A started MassTransit bus with the services' conventions (publisher confirms, the scheduler address).</summary>
    public async Task<IBus> BusAsync(CancellationToken cancellationToken)
    {
        if (_busHost is null)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "sharelm-ops" });
            builder.Configuration.AddConfiguration(Configuration);
            builder.Logging.AddFilter(_ => false);
            builder.AddShareLMBus();
            builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
            _busHost = builder.Build();
            await _busHost.StartAsync(cancellationToken);
        }
        return _busHost.Services.GetRequiredService<IBus>();
    }

    public HttpClient Management()
    {
        var rabbit = ConnectionSettings.RabbitMq(Configuration);
        var url = Configuration["RabbitMq:ManagementUrl"] is { Length: > 0 } configured ? configured : $"http://{rabbit.Host}:15672";
        var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbit.Username}:{rabbit.Password}")));
        return client;
    }

    public string VirtualHost => ConnectionSettings.RabbitMq(Configuration).VirtualHost;

    public async ValueTask DisposeAsync()
    {
        if (_busHost is not null)
        {
            await _busHost.StopAsync();
            _busHost.Dispose();
        }
        if (_store.IsValueCreated) _store.Value.Dispose();
        if (_db.IsValueCreated) await _db.Value.DisposeAsync();
    }
}
