using System.ComponentModel.DataAnnotations;

namespace ShareLM.ServiceDefaults.Hosting;

/// <summary>HTTP limits every service applies (section <c>Http</c>).</summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    /// <summary>Largest request body accepted; a larger one is answered 413 before it is read.</summary>
    [Range(1_024, 1_073_741_824)]
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;
}
