using Npgsql;

namespace ShareLM.ServiceDefaults.Hosting;

/// <summary>
/// Where PostgreSQL and RabbitMQ are. Both accept URIs (what deploy/local writes to .local/sharelm.env):
/// <c>ConnectionStrings:Postgres</c> as a libpq URI or an Npgsql keyword string, and
/// <c>ConnectionStrings:RabbitMq</c> as an amqp URI (its path is the virtual host).
/// </summary>
public static class ConnectionSettings
{
    public const string PostgresKey = "Postgres";
    public const string RabbitMqKey = "RabbitMq";

    /// <summary>What deploy/local/up.sh runs; used when nothing is configured.</summary>
    public const string LocalPostgres = "postgresql://postgres@127.0.0.1:55432/sharelm";
    public const string LocalRabbitMq = "amqp://guest:guest@127.0.0.1:55672/";

    /// <summary>
    /// How many statements each connection keeps prepared on the server (Npgsql's automatic preparation of the
    /// statements a connection runs repeatedly): PostgreSQL then no longer parses and plans Marten's append and
    /// document writes on every call, a large share of its CPU per capture (docs/benchmarks.md). A connection
    /// string that names <c>Max Auto Prepare</c> keeps its own value; 0 turns it off (e.g. behind a connection
    /// pooler in transaction mode that cannot keep prepared statements).
    /// </summary>
    public const int DefaultMaxAutoPrepare = 64;

    public static string Postgres(IConfiguration configuration) =>
        WithDefaults(ToNpgsql(configuration.GetConnectionString(PostgresKey) is { Length: > 0 } value ? value : LocalPostgres));

    /// <summary>An Npgsql connection string with our defaults for what it leaves unsaid.</summary>
    static string WithDefaults(string npgsql)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = npgsql };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare")) return npgsql;
        return new NpgsqlConnectionStringBuilder(npgsql) { MaxAutoPrepare = DefaultMaxAutoPrepare }.ConnectionString;
    }

    public static RabbitMqEndpoint RabbitMq(IConfiguration configuration) =>
        RabbitMqEndpoint.Parse(configuration.GetConnectionString(RabbitMqKey) is { Length: > 0 } value ? value : LocalRabbitMq);

    /// <summary>Turns a libpq URI (postgresql://user:pass@host:port/db?k=v) into an Npgsql connection string.</summary>
    public static string ToNpgsql(string value)
    {
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return value;

        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var val = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            switch (key)
            {
                case "sslmode": builder.SslMode = Enum.Parse<SslMode>(val.Replace("-", ""), ignoreCase: true); break;
                case "application_name": builder.ApplicationName = val; break;
                case "connect_timeout": builder.Timeout = int.Parse(val, System.Globalization.CultureInfo.InvariantCulture); break;
                default: builder[key] = val; break;
            }
        }
        return builder.ConnectionString;
    }
}

/// <summary>Where RabbitMQ is: an amqp:// URI, or amqps:// for TLS (port 5671 unless the URI says otherwise).</summary>
public sealed record RabbitMqEndpoint(string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseTls = false)
{
    public static RabbitMqEndpoint Parse(string value)
    {
        var uri = new Uri(value);
        if (uri.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs"))
            throw new InvalidOperationException($"ConnectionStrings:RabbitMq must be an amqp:// or amqps:// URI, not '{uri.Scheme}://'.");
        var tls = uri.Scheme is "amqps" or "rabbitmqs";
        var user = "guest";
        var password = "guest";
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var parts = uri.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) password = Uri.UnescapeDataString(parts[1]);
        }
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new RabbitMqEndpoint(uri.Host, (ushort)(uri.IsDefaultPort || uri.Port <= 0 ? tls ? 5671 : 5672 : uri.Port),
            vhost.Length == 0 ? "/" : vhost, user, password, tls);
    }
}
