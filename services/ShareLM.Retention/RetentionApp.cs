using MassTransit;
using Npgsql;
using ShareLM.Retention.Erasure;
using ShareLM.Retention.Holds;
using ShareLM.Retention.Publication;
using ShareLM.Retention.Scheduling;
using ShareLM.ServiceDefaults.EventStore;
using ShareLM.ServiceDefaults.Hosting;
using ShareLM.ServiceDefaults.Messaging;

namespace ShareLM.Retention;

/// <summary>
/// Retention: the durable hold (its own PostgreSQL-backed scheduler endpoint), publication when a hold ends
/// or on request, and erasure on deletion. Its HTTP surface is health and metrics only.
/// </summary>
public static class RetentionApp
{
    public const string DefaultUrl = "http://127.0.0.1:5081";
    public const string ServiceName = "sharelm-retention";
    public const string HoldsQueue = "sharelm-retention-holds";
    public const string ErasureQueue = "sharelm-retention-erasure";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(ServiceName, DefaultUrl);
        PublicationScheduling.EnsureTokenConvention();

        var postgres = ConnectionSettings.Postgres(builder.Configuration);
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(postgres) { ApplicationName = ServiceName }.ConnectionString).Build());
        builder.Services.Configure<SchedulerSettings>(builder.Configuration.GetSection(SchedulerSettings.Section));
        builder.Services.AddSingleton<ScheduleStore>();
        builder.Services.AddHostedService<ScheduledMessageDispatcher>();
        builder.Services.AddHostedService<SchedulerMetrics>();
        builder.Services.AddSingleton<PublicationScheduling>();
        builder.Services.AddSingleton<HoldReconciler>();
        builder.Services.Configure<ReconciliationSettings>(builder.Configuration.GetSection(ReconciliationSettings.Section));
        builder.Services.AddHostedService<PeriodicHoldReconciliation>();
        builder.Services.AddSingleton<VacuumRequests>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VacuumRequests>());

        builder.AddShareLMEventStore(ServiceName);
        builder.AddShareLMBus(x =>
        {
            x.AddConsumer<ScheduleMessageConsumer>().Endpoint(e => e.Name = BusSetup.SchedulerQueue);
            // Up to 10 messages of up to 100 holds each at once (waiting at most 20 ms for more), two batches at a time.
            x.AddConsumer<HoldScheduler>(c => c.Options<BatchOptions>(o => o.SetMessageLimit(10).SetTimeLimit(TimeSpan.FromMilliseconds(20)).SetConcurrencyLimit(2)))
                .Endpoint(e => e.Name = HoldsQueue);
            x.AddConsumer<ConversationPublisher>().Endpoint(e => e.Name = PublicationScheduling.PublicationQueue);
            x.AddConsumer<ConversationEraser>().Endpoint(e => e.Name = ErasureQueue);
            x.AddConsumer<ReconcileHoldsConsumer>().Endpoint(e => e.Name = BusSetup.RetentionOperationsQueue);
        });

        // Last, so that a host (the tests) can replace or add anything.
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapDefaultEndpoints();
        return app;
    }
}
