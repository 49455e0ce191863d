using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ShareLM.Ingest.Options;
using ShareLM.ServiceDefaults.Http;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Ingest.Contributors;

/// <summary>
/// The limits of the authenticated API. A contributor's requests are counted by contributor, once the token is
/// known to be theirs: not by whatever bearer string is sent (a made-up token would open a fresh bucket each
/// time), and a rotated token keeps its contributor's bucket. Requests whose token matches no one are counted by
/// address: past <see cref="IngestOptions.FailedAuthenticationsPerMinutePerAddress"/> an address's requests are
/// refused before the token is looked up, so guessing costs the database nothing more.
/// </summary>
public sealed class ContributorLimits(IOptions<IngestOptions> settings) : IDisposable
{
    readonly PartitionedRateLimiter<string> _contributors = PartitionedRateLimiter.Create<string, string>(id =>
        RateLimitPartition.GetTokenBucketLimiter(id, _ => PerMinute(settings.Value.ContributorRequestsPerMinute)));

    // A fixed window, whose permits are whole: a token bucket refills continuously, and its fraction of a token would
    // let the check below admit a lookup it then could not count.
    readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, settings.Value.FailedAuthenticationsPerMinutePerAddress),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>A request of this contributor: null when it may go on, else the 429 to answer.</summary>
    public IResult? Admit(Guid contributorId, HttpContext http) => Refusal(_contributors.AttemptAcquire(contributorId.ToString("N")), http);

    /// <summary>Whether this address may still have a token looked up (it has failures left this minute).</summary>
    public IResult? AdmitLookup(HttpContext http)
    {
        var key = ClientAddress.Of(http);
        using var probe = _failures.AttemptAcquire(key, 0);
        return probe.IsAcquired ? null : Refusal(_failures.AttemptAcquire(key), http);
    }

    /// <summary>A token from this address matched no one: one of its failures this minute.</summary>
    public void CountFailure(HttpContext http) => _failures.AttemptAcquire(ClientAddress.Of(http)).Dispose();

    static IResult? Refusal(RateLimitLease lease, HttpContext http)
    {
        using (lease)
        {
            if (lease.IsAcquired) return null;
            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(10);
            http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            ShareLMTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "rate-limited"));
            return Problems.TooManyRequests();
        }
    }

    public static TokenBucketRateLimiterOptions PerMinute(int permits) => new()
    {
        TokenLimit = Math.Max(1, permits),
        TokensPerPeriod = Math.Max(1, permits),
        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    public void Dispose()
    {
        _contributors.Dispose();
        _failures.Dispose();
    }
}
