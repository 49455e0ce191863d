using JasperFx.Events.Projections;
using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Catalog.DatasetCard;
using ShareLM.Catalog.Explorer;
using ShareLM.Catalog.Feed;
using ShareLM.Catalog.Options;
using ShareLM.Catalog.Projection;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Catalog.Records;
using ShareLM.Catalog.Reports;
using ShareLM.Catalog.Search;
using ShareLM.Catalog.Snapshots;
using ShareLM.Catalog.Stats;
using ShareLM.Conversations.Language;
using ShareLM.ServiceDefaults.EventStore;
using ShareLM.ServiceDefaults.Hosting;

namespace ShareLM.Catalog;

/// <summary>
/// The Catalog: Marten projections from the event streams into the public dataset, and the public read API
/// (feed, records, snapshots, stats, dataset card). Public and read-only.
/// </summary>
public static class CatalogApp
{
    public const string DefaultUrl = "http://127.0.0.1:5082";
    public const string ServiceName = "sharelm-catalog";
    public const int DaemonLockId = 740_301;
    // Only ever used in Development: anywhere else the Catalog refuses to start without a secret of its own.
    const string DevelopmentSecret = "sharelm-development-release-secret";

    static string ReleaseSecret(IServiceProvider services) =>
        services.GetRequiredService<IOptions<CatalogOptions>>().Value.ReleaseSecret is { Length: > 0 } secret ? secret : DevelopmentSecret;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(ServiceName, DefaultUrl);
        builder.Services.AddOptions<CatalogOptions>().BindConfiguration(CatalogOptions.Section).ValidateDataAnnotations()
            // Fails closed: a public release keyed by a secret everyone can read would let anyone link pseudonyms.
            .Validate<IHostEnvironment>((o, env) => env.IsDevelopment() || o.ReleaseSecret.Length >= CatalogOptions.MinReleaseSecretLength,
                $"Catalog:ReleaseSecret must be set, at least {CatalogOptions.MinReleaseSecretLength} characters, outside Development (it keys every pseudonym of the release).")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new Pseudonymizer(ReleaseSecret(sp)));
        var postgres = ConnectionSettings.Postgres(builder.Configuration);
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(postgres) { ApplicationName = ServiceName }.ConnectionString).Build());
        builder.Services.AddOptions<LanguageOptions>().BindConfiguration(LanguageOptions.Section);
        // Only for publications recorded before their language was (publication detects it now).
        builder.Services.AddSingleton(sp => LanguageDetector.For(sp.GetRequiredService<IOptions<LanguageOptions>>().Value.Accuracy));
        builder.Services.AddSingleton<CatalogProjection>();
        builder.Services.AddSingleton<CatalogRebuild>();
        builder.Services.AddHostedService<DraftTableRetirement>();
        builder.Services.AddSingleton<SnapshotStore>();
        builder.Services.AddHostedService<SnapshotSweep>();
        builder.Services.AddSingleton<SearchIndexer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SearchIndexer>());
        builder.Services.AddSingleton<StatsService>();
        builder.Services.AddSingleton<ExplorerQueries>();
        builder.Services.AddSingleton(sp => new ReportTokens(ReleaseSecret(sp), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ReportLimits>();
        builder.Services.AddRazorComponents();
        // Pages hold text in every script: written as it is (still HTML-escaped), not as character references.
        builder.Services.AddSingleton(System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddApiDocumentation("ShareLM Catalog",
            "The public ShareLM dataset: its change feed, records, snapshots (JSONL, Parquet), stats and dataset card. No authentication.",
            o => o.AddSchemaTransformer((schema, context, _) =>
            {
                // Public records are written in the dataset's own snake_case (PublicRecord.Json), not the API's camelCase.
                if (context.JsonTypeInfo.Type.Name.StartsWith("Public", StringComparison.Ordinal)
                    && context.JsonTypeInfo.Type.Namespace == typeof(PublicRecord).Namespace && schema.Properties is { Count: > 0 } properties)
                {
                    var renamed = properties.ToDictionary(p => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Key), p => p.Value);
                    properties.Clear();
                    foreach (var (name, value) in renamed) properties[name] = value;
                    if (schema.Required is { Count: > 0 } required)
                    {
                        var names = required.Select(System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName).ToList();
                        required.Clear();
                        foreach (var name in names) required.Add(name);
                    }
                }
                return Task.CompletedTask;
            }));

        builder.AddShareLMEventStore(ServiceName, (options, services) =>
            {
                CatalogSchema.Register(options);
                options.Projections.DaemonLockId = DaemonLockId;
                // A take-down that fails to apply must stop the projection loudly, never be skipped.
                options.Projections.Errors.SkipApplyErrors = false;
                options.Projections.Add(services.GetRequiredService<CatalogProjection>(), ProjectionLifecycle.Async, CatalogProjection.DaemonName, o =>
                {
                    o.TeardownDataOnRebuild = false;
                    o.BatchSize = 1_000;
                });
            })
            .AddShareLMDaemon();
        builder.Services.AddHealthChecks().AddDaemonLag("projection-lag", postgres, CatalogProjection.DaemonName);

        // Last, so that a host (the tests) can replace or add anything.
        configure?.Invoke(builder);
        var app = builder.Build();
        if (string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<CatalogOptions>>().Value.ReleaseSecret) && app.Environment.IsDevelopment())
            app.Logger.LogWarning("Catalog:ReleaseSecret is not set; using the development secret (Development only).");
        app.UseKnownProxies();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var v1 = app.MapGroup("/v1").ProducesServiceProblems();
        v1.MapFeed().MapRecords().MapSnapshots().MapStats().MapDatasetCard();
        app.MapExplorer();
        app.MapReports();
        app.MapDefaultEndpoints();
        app.MapApiDocumentation();
        return app;
    }
}
