using System.Diagnostics;
using Npgsql;

namespace ShareLM.Testing;

/// <summary>Looks for a string everywhere a database keeps readable data: every row of every table, and a pg_dump.</summary>
public static class DatabaseScan
{
    /// <summary>Tables (schema.table) with at least one row whose text form contains <paramref name="marker"/>.</summary>
    public static async Task<List<string>> TablesContainingAsync(IsolatedEnvironment environment, string marker)
    {
        await using var connection = await environment.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("""
            select quote_ident(table_schema) || '.' || quote_ident(table_name)
            from information_schema.tables
            where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));

        var hits = new List<string>();
        foreach (var table in tables)
        {
            await using var scan = new NpgsqlCommand($"select count(*) from {table} t where t::text like '%' || $1 || '%'", connection);
            scan.Parameters.Add(new NpgsqlParameter { Value = marker });
            if ((long)(await scan.ExecuteScalarAsync())! > 0) hits.Add(table);
        }
        return hits;
    }

    /// <summary>A plain-text pg_dump of the environment's database.</summary>
    public static async Task<string> DumpAsync(IsolatedEnvironment environment)
    {
        var builder = new NpgsqlConnectionStringBuilder(environment.PostgresConnectionString);
        var info = new ProcessStartInfo("pg_dump") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-h", builder.Host!, "-p", builder.Port.ToString(), "-U", builder.Username!, "--no-owner", builder.Database! })
            info.ArgumentList.Add(a);
        if (!string.IsNullOrEmpty(builder.Password)) info.Environment["PGPASSWORD"] = builder.Password;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException("pg_dump failed: " + await error);
        return await output;
    }
}
