using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;
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

    public static IReadOnlyList<Type> EventTypes { get; } =
    [
        typeof(ConversationCaptured), typeof(ConversationRevised), typeof(ConversationRated),
        typeof(PublicationRequested), typeof(ConversationPublished), typeof(DeletionRequested),
        typeof(ConversationDeleted), typeof(ConversationImported),
    ];

    public static MartenServiceCollectionExtensions.MartenConfigurationExpression AddShareLMEventStore(
        this IHostApplicationBuilder builder, string applicationName, Action<StoreOptions>? configure = null)
    {
        var connectionString = ConnectionSettings.Postgres(builder.Configuration);
        builder.Services.AddSingleton<EventStoreMigration>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventStoreMigration>());
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("schema",
            sp => sp.GetRequiredService<EventStoreMigration>(), Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy,
            [Hosting.ServiceDefaults.ReadyTag]));
        return builder.Services
            .AddMarten(_ =>
            {
                var options = new StoreOptions();
                Configure(options, connectionString, applicationName);
                configure?.Invoke(options);
                return options;
            })
            .UseLightweightSessions();
    }

    public static void Configure(StoreOptions options, string connectionString, string applicationName)
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
        // Wake the async daemons on append instead of waiting for their next poll (due-to-visible latency).
        options.Events.UseListenNotifyForEventAppends = true;
        // Concurrent appends to one stream serialise on the stream row instead of burning a sequence number.
        options.Events.UseExclusiveLockOnConcurrentAppends = true;
        options.Events.AddEventTypes(EventTypes);

        options.Projections.Snapshot<ConversationState>(SnapshotLifecycle.Inline);
        options.Schema.For<ConversationState>()
            .Index(x => x.ContributorId)
            .Index(x => x.Status)
            .Index(x => x.PublishAt);

        Masking.AddErasureRules(options);
    }
}
