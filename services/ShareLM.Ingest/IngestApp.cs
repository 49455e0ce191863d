using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;
using ShareLM.Ingest.Capture;
using ShareLM.Ingest.Contributors;
using ShareLM.Ingest.Deletion;
using ShareLM.Ingest.Legacy;
using ShareLM.Ingest.MyConversations;
using ShareLM.Ingest.Options;
using ShareLM.Ingest.Publication;
using ShareLM.Ingest.Ratings;
using ShareLM.Ingest.Relay;
using ShareLM.Ingest.Streams;
using ShareLM.ServiceDefaults.EventStore;
using ShareLM.ServiceDefaults.Hosting;
using ShareLM.ServiceDefaults.Http;
using ShareLM.ServiceDefaults.Messaging;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Ingest;

/// <summary>
/// The ingest gateway: contributors, capture, ratings, publish-now, withdrawal, the contributor's own views,
/// and the original extension's upload. Appends to Marten streams and answers once committed; a Marten
/// subscription relays committed events to RabbitMQ.
/// </summary>
public static class IngestApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string ServiceName = "sharelm-ingest";
    public const int DaemonLockId = 740_101;

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults(ServiceName, DefaultUrl);
        builder.Services.AddApiDocumentation("ShareLM Ingest",
            "The gateway contributors' browser extensions call: registration, capture, ratings, publish now, deletion, export. " +
            "Every call but registration needs Authorization: Bearer <token>. Errors are RFC 7807 problems.");
        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<WriterOptions>().BindConfiguration(WriterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ConversationWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ConversationWriter>());
        builder.Services.AddSingleton<AccountDeletions>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AccountDeletions>());
        builder.Services.AddSingleton<ContributorLookup>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ContributorLookup>());
        builder.Services.AddScoped<ContributorAuthentication>();
        builder.Services.AddSingleton<ContributorLimits>();

        builder.AddShareLMEventStore(ServiceName, (options, _) =>
            {
                options.Schema.For<Contributor>().UniqueIndex(c => c.TokenHash);
                options.Projections.DaemonLockId = DaemonLockId;
            })
            .AddSubscriptionWithServices<EventRelay>(ServiceLifetime.Singleton)
            .AddShareLMDaemon();
        builder.AddShareLMBus();
        builder.Services.AddHealthChecks().AddDaemonLag("relay-lag", ConnectionSettings.Postgres(builder.Configuration), EventRelay.SubscriptionName);

        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<IngestOptions>>((cors, ingest) => cors.AddDefaultPolicy(p =>
        {
            if (ingest.Value.AllowedOrigins.Length > 0) p.WithOrigins(ingest.Value.AllowedOrigins);
            p.WithMethods("GET", "POST", "PUT", "DELETE").WithHeaders("Authorization", "Content-Type", ShareLMTelemetry.CorrelationHeader);
        }));
        builder.Services.AddRateLimiter(o =>
        {
            o.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
                context.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                ShareLMTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "rate-limited"));
                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests", "Slow down and retry after the indicated time.");
            };
            // The authenticated API is limited per contributor once authenticated (ContributorLimits); these two have
            // no contributor, so they count by address.
            o.AddPolicy(ContributorEndpoints.RegistrationRateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
                ClientAddress.Of(http), _ => ContributorLimits.PerMinute(Settings(http).RegistrationsPerMinutePerAddress)));
            o.AddPolicy(LegacyUploadEndpoint.RateLimit, http => RateLimitPartition.GetTokenBucketLimiter(
                ClientAddress.Of(http), _ => ContributorLimits.PerMinute(Settings(http).LegacyUploadsPerMinutePerAddress)));
        });

        // Last, so that a host (the tests) can replace or add anything.
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseKnownProxies();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseRateLimiter();
        app.Use(CountRejections);

        var v1 = app.MapGroup("/v1").ProducesServiceProblems();
        v1.MapGroup("").MapRegistration();
        v1.MapGroup("").ProducesAuthenticationProblems()
            .AddEndpointFilter<ContributorAuthentication>()
            .MapCapture()
            .MapRatings()
            .MapPublication()
            .MapDeletion()
            .MapMyConversations()
            .MapContributor();
        app.MapLegacyUpload();
        app.MapDefaultEndpoints();
        app.MapApiDocumentation();
        return app;
    }

    static IngestOptions Settings(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<IngestOptions>>().Value;

    static async Task CountRejections(HttpContext context, RequestDelegate next)
    {
        await next(context);
        if (context.Response.StatusCode is >= 400 and not 429 and not 401)
            ShareLMTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", context.Response.StatusCode.ToString(CultureInfo.InvariantCulture)));
    }
}
