using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Npgsql;
using ShareLM.Catalog.Feed;
using ShareLM.Catalog.Projection;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Catalog.DatasetCard;
using ShareLM.Catalog.Records;
using ShareLM.Catalog.Snapshots;
using ShareLM.Catalog.Stats;
using ShareLM.ServiceDefaults.EventStore;
using ShareLM.ServiceDefaults.Hosting;

namespace ShareLM.Catalog;

public sealed class CatalogSettings
{
    public const string Section = "Catalog";
    /// <summary>Key of the pseudonymous user_id; a new secret is a new release (pseudonyms change).</summary>
    public string ReleaseSecret { get; set; } = "";
    /// <summary>Where snapshot files are kept (default: a folder under the temp directory).</summary>
    public string SnapshotDirectory { get; set; } = "";
    /// <summary>Licence statement in the dataset card.</summary>
    public string Licence { get; set; } = "odc-by";
    /// <summary>Most often the stats (a scan of the feed) are recomputed, and only when the dataset changed.</summary>
    public TimeSpan StatsRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>How long a snapshot is served before a newer one is made (a take-down since it forces one at once).</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>How often snapshot files made before a take-down are deleted from the disk.</summary>
    public TimeSpan SnapshotSweepInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// The Catalog: Marten projections from the event streams into the public dataset, and the public read API
/// (feed, records, snapshots, stats, dataset card). Public and read-only.
/// </summary>
public static class CatalogApp
{
    public const string DefaultUrl = "http://127.0.0.1:5082";
    public const string ServiceName = "sharelm-catalog";
    public const int DaemonLockId = 740_301;
    const string DevelopmentSecret = "sharelm-development-release-secret";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(ServiceName, DefaultUrl);
        var settings = builder.Configuration.GetSection(CatalogSettings.Section).Get<CatalogSettings>() ?? new CatalogSettings();
        var secret = string.IsNullOrEmpty(settings.ReleaseSecret) ? DevelopmentSecret : settings.ReleaseSecret;
        var pseudonyms = new Pseudonymizer(secret);
        builder.Services.AddSingleton(pseudonyms);
        var postgres = ConnectionSettings.Postgres(builder.Configuration);
        var db = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(postgres) { ApplicationName = ServiceName }.ConnectionString).Build();
        // Registered through a factory so that the container disposes it.
        builder.Services.AddSingleton(_ => db);
        var projection = new CatalogProjection(pseudonyms, db);
        builder.Services.AddSingleton(projection);
        builder.Services.AddSingleton<CatalogRebuild>();
        builder.Services.AddHostedService<DraftTableRetirement>();
        builder.Services.Configure<CatalogSettings>(builder.Configuration.GetSection(CatalogSettings.Section));
        builder.Services.AddSingleton<SnapshotStore>();
        builder.Services.AddHostedService<SnapshotSweep>();
        builder.Services.AddSingleton<StatsService>();

        builder.AddShareLMEventStore(ServiceName, options =>
            {
                CatalogSchema.Register(options);
                options.Projections.DaemonLockId = DaemonLockId;
                // A take-down that fails to apply must stop the projection loudly, never be skipped.
                options.Projections.Errors.SkipApplyErrors = false;
                options.Projections.Add(projection, ProjectionLifecycle.Async, CatalogProjection.DaemonName, o =>
                {
                    o.TeardownDataOnRebuild = false;
                    o.BatchSize = 1_000;
                });
            })
            .AddAsyncDaemon(DaemonMode.HotCold);
        builder.Services.AddHealthChecks().AddDaemonLag("projection-lag", postgres, CatalogProjection.DaemonName);

        // Last, so that a host (the tests) can replace or add anything.
        configure?.Invoke(builder);
        var app = builder.Build();
        if (string.IsNullOrEmpty(settings.ReleaseSecret))
            app.Logger.LogWarning("Catalog:ReleaseSecret is not set; using the development secret. Set one per release.");
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        var v1 = app.MapGroup("/v1");
        v1.MapFeed().MapRecords().MapSnapshots().MapStats().MapDatasetCard();
        app.MapDefaultEndpoints();
        return app;
    }
}
