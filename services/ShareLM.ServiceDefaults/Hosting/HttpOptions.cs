using System.ComponentModel.DataAnnotations;

namespace ShareLM.ServiceDefaults.Hosting;

/// <summary>HTTP limits every service applies (section <c>Http</c>).</summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>Largest request body accepted; a larger one is answered 413 before it is read.</summary>
    [Range(1_024, 1_073_741_824)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// When set, /metrics answers only on connections to this local port (listen on it too, e.g.
    /// <c>--urls "http://0.0.0.0:8080;http://127.0.0.1:9464"</c>), so the scrape port can stay private.
    /// Decided by the port the connection came in on, not by the Host header a client chooses.
    /// </summary>
    [Range(0, 65_535)]
    public int MetricsPort { get; set; }

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed (their addresses). Empty:
    /// none, and the address a limit counts is the connection's.
    /// </summary>
    public string[] KnownProxies { get; set; } = [];
}
