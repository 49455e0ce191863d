using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.ServiceDefaults.Hosting;
using Weasel.Core;

namespace ShareLM.ServiceDefaults.EventStore;

/// <summary>
/// The one Marten configuration every process uses (the three services, the operator tool, the tests): the
/// same schema, every event type, the erasure rules and the inline <see cref="ConversationState"/>, so that
/// whoever appends keeps the write model in step.
/// </summary>
public static class EventStoreSetup
{
    public const string Schema = "sharelm";

    /// <summary>Every event type: those of a conversation's stream, and those of a report's.</summary>
    public static IReadOnlyList<Type> EventTypes { get; } = [.. ConversationEvents.All, .. ReportEvents.All];

    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddShareLMEventStore(
        this IHostApplicationBuilder builder, string applicationName, Action<StoreOptions, IServiceProvider>? configure = null)
    {
        var connectionString = ConnectionSettings.Postgres(builder.Configuration);
        builder.Services.AddOptions<EventStoreOptions>().BindConfiguration(EventStoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<EventStoreMigration>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventStoreMigration>());
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("schema",
            sp => sp.GetRequiredService<EventStoreMigration>(), Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy,
            [Hosting.ServiceDefaults.ReadyTag]));
        return builder.Services
            .AddMarten(services =>
            {
                var options = new StoreOptions();
                Configure(options, connectionString, applicationName, services.GetRequiredService<IOptions<EventStoreOptions>>().Value.DaemonPollInterval);
                configure?.Invoke(options, services);
                return options;
            })
            .UseLightweightSessions();
    }

    /// <summary>
    /// The async daemon, one leader per shard among the instances (hot/cold), with the <see cref="StoppedAgentRestarter"/>
    /// that keeps the leader's agents running.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddShareLMDaemon(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
    {
        marten.Services.AddHostedService<StoppedAgentRestarter>();
        return marten.AddAsyncDaemon(DaemonMode.HotCold);
    }

    /// <summary>How often the async daemons (the relay, the Catalog's projection) look for new events.</summary>
    public static readonly TimeSpan DefaultDaemonPollInterval = TimeSpan.FromMilliseconds(250);

    public static void Configure(StoreOptions options, string connectionString, string applicationName, TimeSpan? daemonPollInterval = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName };
        options.Connection(builder.ConnectionString);
        options.DatabaseSchemaName = Schema;
        options.Events.DatabaseSchemaName = Schema;
        options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
        options.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);

        options.Events.StreamIdentity = StreamIdentity.AsGuid;
        options.Events.MetadataConfig.HeadersEnabled = true;
        options.Events.MetadataConfig.CorrelationIdEnabled = true;
        options.Events.MetadataConfig.CausationIdEnabled = true;
        // The async daemons poll at one steady interval, busy or idle, and appends do not NOTIFY them: PostgreSQL
        // serialises the commits of notifying transactions (NOTIFY holds a database-wide lock until commit), and a
        // daemon woken by every group commit polls the store dozens of times a second, a large share of
        // PostgreSQL's CPU per capture (docs/benchmarks.md); polling every 250 ms keeps a
        // publication's way into the feed well under a second (README, Benchmarks).
        options.Events.UseListenNotifyForEventAppends = false;
        options.Projections.FastPollingTime = options.Projections.SlowPollingTime = daemonPollInterval ?? DefaultDaemonPollInterval;
        // Concurrent appends to one stream serialise on the stream row instead of burning a sequence number.
        options.Events.UseExclusiveLockOnConcurrentAppends = true;
        options.Events.AddEventTypes(EventTypes);

        options.Projections.Add(new ConversationStateProjection(), ProjectionLifecycle.Inline);
        options.Schema.For<ConversationState>()
            // A contributor's own list, and the status counts (stats, reconciliation, ops). Nothing looks a
            // conversation up by its publication time: the schedule table is what finds due holds.
            .Index(x => x.ContributorId)
            .Index(x => x.Status);

        Masking.AddErasureRules(new MartenMaskingRules(options));
        // A resolved report keeps why and what was decided, not the reporter's words or address.
        options.Events.AddMaskingRuleForProtectedInformation<ConversationReported>(r => r with { Details = "", Contact = null, Erased = true });
    }
}

/// <summary>The erasure rules registered with Marten's event data masking.</summary>
sealed class MartenMaskingRules(StoreOptions options) : IMaskingRules
{
    public void Add<T>(Func<T, T> rule) where T : class, ICarriesContent => options.Events.AddMaskingRuleForProtectedInformation(rule);
}
