using System.ComponentModel.DataAnnotations;

namespace ShareLM.Ingest.Options;

/// <summary>The gateway's HTTP policy (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Origins allowed to call from a browser: the extension's chrome-extension://… origin among them.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    [Range(1, int.MaxValue)]
    public int ContributorRequestsPerMinute { get; set; } = 600;

    [Range(1, int.MaxValue)]
    public int RegistrationsPerMinutePerAddress { get; set; } = 10;

    [Range(1, int.MaxValue)]
    public int LegacyUploadsPerMinutePerAddress { get; set; } = 120;
}
