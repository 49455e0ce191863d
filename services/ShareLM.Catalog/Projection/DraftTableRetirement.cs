using Npgsql;
using ShareLM.ServiceDefaults.EventStore;

namespace ShareLM.Catalog.Projection;

/// <summary>
/// Earlier versions kept a private draft of every live conversation in <c>sharelm.mt_doc_catalogdraft</c>.
/// Records are now made from the streams, so nothing maintains that table any more, and erasure would no
/// longer reach the text left in it: drop it (and Marten's functions for it) once the schema is up to date.
/// </summary>
public sealed class DraftTableRetirement(EventStoreMigration migration, NpgsqlDataSource db, ILogger<DraftTableRetirement> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.Completion.WaitAsync(stoppingToken);
        try
        {
            await using var command = db.CreateCommand($"""
                do $$
                declare f record;
                begin
                    drop table if exists {EventStoreSetup.Schema}.mt_doc_catalogdraft;
                    for f in select p.oid::regprocedure as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                             where n.nspname = '{EventStoreSetup.Schema}' and p.proname like 'mt\_%\_catalogdraft' loop
                        execute 'drop function if exists ' || f.signature;
                    end loop;
                end $$;
                """);
            await command.ExecuteNonQueryAsync(stoppingToken);
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException)
        {
            logger.LogWarning(e, "Could not drop the retired catalog draft table; it is retried at the next start");
        }
    }
}
