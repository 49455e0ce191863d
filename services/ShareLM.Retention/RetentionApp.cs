using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Conversations.Language;
using ShareLM.Retention.Erasure;
using ShareLM.Retention.Holds;
using ShareLM.Retention.Options;
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

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(ServiceName, DefaultUrl);

        var postgres = ConnectionSettings.Postgres(builder.Configuration);
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(postgres) { ApplicationName = ServiceName }.ConnectionString).Build());
        builder.Services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ErasureOptions>().BindConfiguration(ErasureOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ScheduleStore>();
        builder.Services.AddHostedService<ScheduledMessageDispatcher>();
        builder.Services.AddHostedService<SchedulerMetrics>();
        builder.Services.AddOptions<LanguageOptions>().BindConfiguration(LanguageOptions.Section);
        builder.Services.AddSingleton(sp => LanguageDetector.For(sp.GetRequiredService<IOptions<LanguageOptions>>().Value.Accuracy));
        builder.Services.AddHostedService<LanguageModelWarmup>();
        builder.Services.AddSingleton<PublicationScheduling>();
        builder.Services.AddSingleton<HoldReconciler>();
        builder.Services.AddHostedService<PeriodicHoldReconciliation>();
        builder.Services.AddSingleton<VacuumRequests>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VacuumRequests>());

        builder.AddShareLMEventStore(ServiceName);
        builder.AddShareLMBus(x =>
        {
            PublicationScheduling.UseConversationAsScheduleToken();
            x.AddConsumer<ScheduleMessageConsumer>().Endpoint(e => e.Name = QueueNames.Scheduler);
            // Up to 10 messages of up to 100 holds each at once (waiting at most 20 ms for more), two batches at a time.
            x.AddConsumer<HoldScheduler>(c => c.Options<BatchOptions>(o => o.SetMessageLimit(10).SetTimeLimit(TimeSpan.FromMilliseconds(20)).SetConcurrencyLimit(2)))
                .Endpoint(e => e.Name = QueueNames.Holds);
            x.AddConsumer<ConversationPublisher>().Endpoint(e => e.Name = QueueNames.Publication);
            x.AddConsumer<ConversationEraser>().Endpoint(e => e.Name = QueueNames.Erasure);
            x.AddConsumer<ReconcileHoldsConsumer>().Endpoint(e => e.Name = QueueNames.RetentionOperations);
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
