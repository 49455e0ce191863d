using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ShareLM.Retention.Options;

namespace ShareLM.Retention.Scheduling;

/// <summary>
/// The durable schedule: one row per token in PostgreSQL. Scheduling the same token again replaces the row
/// (MassTransit's semantics: a token names one pending send). Due rows are claimed with
/// FOR UPDATE SKIP LOCKED, so any number of dispatchers share the work without sending a row twice at once;
/// a dispatcher that dies mid-send leaves its rows to the next one (at-least-once). An insert due sooner than
/// the dispatchers' next look NOTIFYs <see cref="Channel"/>, so a dispatcher waiting for a later due time wakes
/// for an earlier one.
/// </summary>
public sealed class ScheduleStore(NpgsqlDataSource dataSource, IOptions<SchedulerOptions> settings, TimeProvider clock)
{
    public const string Schema = "scheduler";
    public const string Channel = "sharelm_scheduler";

    readonly SemaphoreSlim _schemaGate = new(1, 1);
    volatile bool _schemaReady;

    public NpgsqlDataSource DataSource => dataSource;

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady) return;
        await _schemaGate.WaitAsync(cancellationToken);
        try
        {
            if (_schemaReady) return;
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            // Serialise first-time creation across instances.
            await using var command = new NpgsqlCommand($"""
                select pg_advisory_xact_lock(7342001);
                create schema if not exists {Schema};
                create table if not exists {Schema}.scheduled_messages (
                    token_id uuid primary key,
                    due_at timestamptz not null,
                    destination text not null,
                    body text not null,
                    content_type text not null,
                    message_types text not null,
                    message_id uuid,
                    correlation_id uuid,
                    conversation_id uuid,
                    initiator_id uuid,
                    request_id uuid,
                    source_address text,
                    response_address text,
                    fault_address text,
                    expiration_time timestamptz,
                    headers text,
                    trace_parent text,
                    scheduled_at timestamptz not null default now(),
                    attempts int not null default 0
                );
                create index if not exists scheduled_messages_due on {Schema}.scheduled_messages (due_at);
                """, connection);
            await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
            {
                command.Transaction = tx;
                await command.ExecuteNonQueryAsync(cancellationToken);
                await tx.CommitAsync(cancellationToken);
            }
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public Task UpsertAsync(ScheduleRow message, CancellationToken cancellationToken) => UpsertAsync([message], cancellationToken);

    /// <summary>
    /// Schedules many messages in one statement (a token given twice keeps its last message), then one NOTIFY
    /// carrying the earliest due time if that is sooner than every dispatcher looks anyway (<see
    /// cref="SchedulerOptions.MaxIdle"/>): a hold ending tomorrow wakes nobody, and PostgreSQL serialises the
    /// commits of notifying transactions.
    /// </summary>
    public async Task UpsertAsync(IReadOnlyCollection<ScheduleRow> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0) return;
        await EnsureSchemaAsync(cancellationToken);
        var byToken = new Dictionary<Guid, ScheduleRow>(messages.Count);
        foreach (var m in messages) byToken[m.TokenId] = m;
        var rows = byToken.Values.OrderBy(m => m.TokenId).ToArray(); // a fixed lock order: concurrent upserts cannot deadlock

        await using var batch = dataSource.CreateBatch();
        var command = new NpgsqlBatchCommand($"""
            insert into {Schema}.scheduled_messages as s
                (token_id, due_at, destination, body, content_type, message_types, message_id, correlation_id, conversation_id,
                 initiator_id, request_id, source_address, response_address, fault_address, expiration_time, headers, trace_parent)
            select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::uuid[],
                $9::uuid[], $10::uuid[], $11::uuid[], $12::text[], $13::text[], $14::text[], $15::timestamptz[], $16::text[], $17::text[])
            on conflict (token_id) do update set
                due_at = excluded.due_at, destination = excluded.destination, body = excluded.body,
                content_type = excluded.content_type, message_types = excluded.message_types, message_id = excluded.message_id,
                correlation_id = excluded.correlation_id, conversation_id = excluded.conversation_id,
                initiator_id = excluded.initiator_id, request_id = excluded.request_id, source_address = excluded.source_address,
                response_address = excluded.response_address, fault_address = excluded.fault_address,
                expiration_time = excluded.expiration_time, headers = excluded.headers, trace_parent = excluded.trace_parent,
                scheduled_at = now(), attempts = 0
            """);
        var p = command.Parameters;
        p.Add(Column(rows, m => m.TokenId, NpgsqlDbType.Uuid));
        p.Add(Column(rows, m => m.DueAt.ToUniversalTime(), NpgsqlDbType.TimestampTz));
        p.Add(Column(rows, m => m.Destination.ToString(), NpgsqlDbType.Text));
        p.Add(Column(rows, m => m.Body, NpgsqlDbType.Text));
        p.Add(Column(rows, m => m.ContentType, NpgsqlDbType.Text));
        p.Add(Column(rows, m => m.MessageTypes, NpgsqlDbType.Text));
        p.Add(Column(rows, m => m.MessageId, NpgsqlDbType.Uuid));
        p.Add(Column(rows, m => m.CorrelationId, NpgsqlDbType.Uuid));
        p.Add(Column(rows, m => m.ConversationId, NpgsqlDbType.Uuid));
        p.Add(Column(rows, m => m.InitiatorId, NpgsqlDbType.Uuid));
        p.Add(Column(rows, m => m.RequestId, NpgsqlDbType.Uuid));
        p.Add(Column(rows, m => m.SourceAddress, NpgsqlDbType.Text));
        p.Add(Column(rows, m => m.ResponseAddress, NpgsqlDbType.Text));
        p.Add(Column(rows, m => m.FaultAddress, NpgsqlDbType.Text));
        p.Add(Column(rows, m => m.ExpirationTime?.ToUniversalTime(), NpgsqlDbType.TimestampTz));
        p.Add(Column(rows, m => m.HeadersJson, NpgsqlDbType.Text));
        p.Add(Column(rows, m => m.TraceParent, NpgsqlDbType.Text));
        batch.BatchCommands.Add(command);
        var earliest = rows.Min(m => m.DueAt);
        // The payload is the earliest due time (Unix ms): a dispatcher already waking earlier ignores it.
        if (earliest <= clock.GetUtcNow() + settings.Value.MaxIdle)
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"select pg_notify('{Channel}', $1)")
            {
                Parameters = { new NpgsqlParameter { Value = earliest.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            });
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    static NpgsqlParameter Column<T>(ScheduleRow[] rows, Func<ScheduleRow, T> value, NpgsqlDbType type) =>
        new() { Value = rows.Select(value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | type };

    public async Task<bool> CancelAsync(Guid tokenId, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = dataSource.CreateCommand($"delete from {Schema}.scheduled_messages where token_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = tokenId });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Tables above this many rows (by the planner's estimate) are not counted row by row.</summary>
    public const long ExactCountLimit = 50_000;

    /// <summary>
    /// How many messages are pending: exact while the table is small, above <see cref="ExactCountLimit"/> rows
    /// PostgreSQL's own estimate (its statistics scaled to the table's current size, as the planner does). With
    /// 24-hour holds the table holds a day of captures, and counting that every few seconds scanned all of it.
    /// </summary>
    public async Task<long> PendingCountAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        // reltuples is -1 until the table is first analysed: then it is counted.
        await using var command = dataSource.CreateCommand($"""
            with statistics as (
                select case when c.reltuples < 0 then null
                            when c.relpages = 0 then c.reltuples
                            else c.reltuples / c.relpages * (pg_relation_size(c.oid) / current_setting('block_size')::int)
                       end::bigint as estimate
                from pg_class c where c.oid = '{Schema}.scheduled_messages'::regclass)
            select case when estimate >= $1 then estimate
                        else (select count(*) from {Schema}.scheduled_messages) end
            from statistics
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = ExactCountLimit });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select min(due_at) from {Schema}.scheduled_messages");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DateTime dt ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)) : null;
    }

    public async Task<IReadOnlySet<Guid>> PendingTokensAsync(IReadOnlyCollection<Guid> tokens, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken);
        await using var command = dataSource.CreateCommand($"select token_id from {Schema}.scheduled_messages where token_id = any($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = tokens.ToArray() });
        var found = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) found.Add(reader.GetGuid(0));
        return found;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows in a transaction, hands them to <paramref name="send"/>,
    /// and deletes those it reports sent, all before committing. Rows whose send failed stay (and are retried).
    /// </summary>
    public async Task<int> DispatchDueAsync(int limit, Func<IReadOnlyList<ScheduleRow>, Task<IReadOnlyList<Guid>>> send,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var due = new List<ScheduleRow>();
        await using (var command = new NpgsqlCommand($"""
            select token_id, due_at, destination, body, content_type, message_types, message_id, correlation_id, conversation_id,
                   initiator_id, request_id, source_address, response_address, fault_address, expiration_time, headers, trace_parent
            from {Schema}.scheduled_messages
            where due_at <= now()
            order by due_at
            limit $1
            for update skip locked
            """, connection, tx))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new ScheduleRow(
                    reader.GetGuid(0),
                    reader.GetFieldValue<DateTimeOffset>(1),
                    new Uri(reader.GetString(2)),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    NullableGuid(reader, 6), NullableGuid(reader, 7), NullableGuid(reader, 8), NullableGuid(reader, 9), NullableGuid(reader, 10),
                    NullableString(reader, 11), NullableString(reader, 12), NullableString(reader, 13),
                    reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
                    NullableString(reader, 15), NullableString(reader, 16)));
            }
        }
        if (due.Count == 0)
        {
            await tx.CommitAsync(cancellationToken);
            return 0;
        }

        var sent = await send(due);
        var failed = due.Select(d => d.TokenId).Except(sent).ToArray();
        await using (var settle = new NpgsqlBatch(connection, tx))
        {
            var delete = new NpgsqlBatchCommand($"delete from {Schema}.scheduled_messages where token_id = any($1)");
            delete.Parameters.Add(new NpgsqlParameter { Value = sent.ToArray() });
            var postpone = new NpgsqlBatchCommand(
                $"update {Schema}.scheduled_messages set attempts = attempts + 1, due_at = now() + interval '2 seconds' where token_id = any($1)");
            postpone.Parameters.Add(new NpgsqlParameter { Value = failed });
            settle.BatchCommands.Add(delete);
            settle.BatchCommands.Add(postpone);
            await settle.ExecuteNonQueryAsync(cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
        return sent.Count;
    }

    static Guid? NullableGuid(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetGuid(ordinal);
    static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
