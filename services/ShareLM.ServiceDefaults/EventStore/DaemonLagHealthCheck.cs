using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ShareLM.ServiceDefaults.EventStore;

/// <summary>
/// Readiness of a service's async projections or subscriptions: unhealthy when one of them lags the event
/// store head by more than <see cref="MaxLag"/> events and has not moved for <see cref="StuckFor"/>.
/// Progress is read from the database, so every instance reports the same, leader or not.
/// </summary>
public sealed class DaemonLagHealthCheck(string connectionString, IReadOnlyList<string> shardPrefixes, TimeProvider clock) : IHealthCheck
{
    public long MaxLag { get; init; } = 10_000;
    public TimeSpan StuckFor { get; init; } = TimeSpan.FromSeconds(60);

    readonly Dictionary<string, (long Sequence, DateTimeOffset Since)> _lastSeen = new();
    readonly Lock _gate = new();

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var lags = await DaemonProgress.ReadAsync(connectionString, cancellationToken);
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        var now = clock.GetUtcNow();
        foreach (var prefix in shardPrefixes)
        {
            var position = lags.PositionOf(prefix);
            var lag = lags.Behind(prefix);
            data[prefix] = lag;
            lock (_gate)
            {
                if (!_lastSeen.TryGetValue(prefix, out var seen) || seen.Sequence != position)
                    _lastSeen[prefix] = seen = (position, now);
                if (lag > MaxLag && now - seen.Since > StuckFor)
                    problems.Add($"{prefix} is {lag} events behind and has not moved for {(now - seen.Since).TotalSeconds:0}s");
            }
        }
        return problems.Count == 0
            ? HealthCheckResult.Healthy("projections and subscriptions keep up", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data);
    }
}

public sealed record ShardPosition(string Name, long Sequence, DateTimeOffset? LastUpdated);

public sealed record DaemonProgressReport(long Head, IReadOnlyList<ShardPosition> Shards)
{
    /// <summary>The last sequence a projection or subscription has processed (its shards are named after it); 0 before its first.</summary>
    public long PositionOf(string name) =>
        Shards.FirstOrDefault(s => s.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase))?.Sequence ?? 0;

    /// <summary>How many events it has still to process.</summary>
    public long Behind(string name) => Math.Max(0, Head - PositionOf(name));
}

public static class DaemonProgress
{
    public static async Task<DaemonProgressReport> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        // Unpooled: a pool full of connections PostgreSQL dropped at its restart would fail checks for a while.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            select coalesce((select max(seq_id) from {EventStoreSetup.Schema}.mt_events), 0);
            select name, last_seq_id, last_updated from {EventStoreSetup.Schema}.mt_event_progression order by name;
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var head = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var shards = new List<ShardPosition>();
        while (await reader.ReadAsync(cancellationToken))
            shards.Add(new ShardPosition(reader.GetString(0), reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
        return new DaemonProgressReport(head, shards);
    }
}

public static class DaemonLagHealthChecks
{
    /// <summary>Readiness fails while these subscriptions or projections lag; checked at most once a second.</summary>
    public static IHealthChecksBuilder AddDaemonLag(this IHealthChecksBuilder checks, string name, string connectionString, params string[] shardPrefixes)
    {
        // The registration's factory runs for every check: one instance, made on first use, keeps the throttle and
        // the lag history across checks.
        Hosting.ThrottledHealthCheck? check = null;
        return checks.Add(new HealthCheckRegistration(name, sp =>
        {
            var clock = sp.GetRequiredService<TimeProvider>();
            return check ??= new Hosting.ThrottledHealthCheck(new DaemonLagHealthCheck(connectionString, shardPrefixes, clock),
                Hosting.ThrottledHealthCheck.DefaultInterval, clock);
        }, HealthStatus.Unhealthy, [Hosting.ServiceDefaults.ReadyTag]));
    }
}
