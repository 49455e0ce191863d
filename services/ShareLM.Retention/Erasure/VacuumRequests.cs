using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Npgsql;
using ShareLM.Retention.Options;
using ShareLM.ServiceDefaults.EventStore;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Retention.Erasure;

/// <summary>
/// After erasures, vacuums every table whose rows held a conversation's text or what identifies its contributor,
/// so the row versions from before the masking are reclaimed instead of lingering until autovacuum, and checks that
/// it worked. Each erasure is recorded in <see cref="PendingTable"/> (in the erasure's own transaction); a vacuum that
/// started after it and left no dead row version unremovable in any of the tables settles it. A vacuum can be held
/// back (a long transaction, such as a snapshot export, keeps the old versions visible): then the erasures stay
/// pending, the count of what remains is logged and exposed (<c>sharelm.erasure.vacuum.pending</c>, <c>ops status</c>),
/// and the vacuum runs again every <see cref="ErasureOptions.VacuumRetryInterval"/>. Requests are coalesced: a burst
/// of deletions costs one vacuum. What vacuum cannot reach (WAL, backups, free space in the files) is in docs/erasure.md.
/// </summary>
public sealed partial class VacuumRequests(NpgsqlDataSource dataSource, IOptions<ErasureOptions> options, ILogger<VacuumRequests> logger) : BackgroundService
{
    public const string PendingTable = "retention.pending_vacuum";

    /// <summary>The tables that held a conversation's text or its contributor: events, write model, contributors, the public feed.</summary>
    public static readonly string[] Tables =
    [
        $"{EventStoreSetup.Schema}.mt_events", $"{EventStoreSetup.Schema}.mt_doc_conversationstate",
        $"{EventStoreSetup.Schema}.mt_doc_contributor", "catalog.feed",
    ];

    public const string CreateTableSql =
        $"create schema if not exists retention; create table if not exists {PendingTable} (conversation_id uuid primary key, erased_at timestamptz not null default now())";

    readonly SemaphoreSlim _requested = new(0, 1);
    long _pending;
    long _unremovable;

    public void Request()
    {
        try { _requested.Release(); } catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ShareLMTelemetry.Meter.CreateObservableGauge("sharelm.erasure.vacuum.pending", () => Interlocked.Read(ref _pending),
            description: "Erased conversations whose old row versions a vacuum has not yet been seen to remove.");
        ShareLMTelemetry.Meter.CreateObservableGauge("sharelm.erasure.vacuum.unremovable", () => Interlocked.Read(ref _unremovable),
            description: "Dead row versions the last vacuum after an erasure could not remove yet (an older transaction still sees them).");
        var settings = options.Value;
        var ready = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!ready)
                {
                    await using (var create = dataSource.CreateCommand(CreateTableSql)) await create.ExecuteNonQueryAsync(stoppingToken);
                    ready = true;
                    Request(); // erasures recorded before a restart
                }
                // Woken by an erasure, or on the retry interval while some are still pending.
                await _requested.WaitAsync(Interlocked.Read(ref _pending) > 0 ? settings.VacuumRetryInterval : Timeout.InfiniteTimeSpan, stoppingToken);
                await Task.Delay(settings.VacuumDebounce, stoppingToken);
                await VacuumAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Vacuum after erasure failed; will retry");
                await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                Request();
            }
        }
    }

    async Task VacuumAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        DateTime started;
        long pending;
        await using (var count = new NpgsqlCommand($"select now(), count(*) from {PendingTable}", connection))
        await using (var reader = await count.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            started = reader.GetDateTime(0);
            pending = reader.GetInt64(1);
        }
        Interlocked.Exchange(ref _pending, pending);
        if (pending == 0) return;

        long unremovable = 0;
        var vacuumed = new List<string>();
        void OnNotice(object? sender, NpgsqlNoticeEventArgs e)
        {
            foreach (Match m in NotYetRemovable().Matches(e.Notice.MessageText)) unremovable += long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        connection.Notice += OnNotice;
        try
        {
            foreach (var table in Tables)
            {
                await using (var exists = new NpgsqlCommand("select to_regclass($1) is not null", connection) { Parameters = { new() { Value = table } } })
                    if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!) continue; // the Catalog not deployed yet
                await using var vacuum = new NpgsqlCommand($"vacuum (verbose) {table}", connection) { CommandTimeout = 600 };
                await vacuum.ExecuteNonQueryAsync(cancellationToken);
                vacuumed.Add(table);
            }
        }
        finally
        {
            connection.Notice -= OnNotice;
        }
        Interlocked.Exchange(ref _unremovable, unremovable);
        if (unremovable > 0)
        {
            logger.LogWarning("Vacuumed {Tables} after {Pending} erasures, but {Unremovable} dead row versions are not yet removable " +
                "(an older transaction still sees them); trying again in {Retry}", string.Join(", ", vacuumed), pending, unremovable, options.Value.VacuumRetryInterval);
            return;
        }
        await using (var settle = new NpgsqlCommand($"delete from {PendingTable} where erased_at < $1", connection) { Parameters = { new() { Value = started } } })
            pending -= await settle.ExecuteNonQueryAsync(cancellationToken);
        Interlocked.Exchange(ref _pending, Math.Max(0, pending));
        logger.LogInformation("Vacuumed {Tables} after erasure: no dead row version left", string.Join(", ", vacuumed));
    }

    // VACUUM VERBOSE, per table and its TOAST table: "tuples: 3 removed, 10 remain, 0 are dead but not yet removable".
    [GeneratedRegex(@"(\d+) are dead but not yet removable")]
    private static partial Regex NotYetRemovable();
}
