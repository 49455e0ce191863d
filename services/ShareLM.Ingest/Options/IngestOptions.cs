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

    /// <summary>Requests with a token that matches no contributor, per address (IPv6: per /64): past it, no token
    /// from there is looked up until the minute has passed.</summary>
    [Range(1, int.MaxValue)]
    public int FailedAuthenticationsPerMinutePerAddress { get; set; } = 30;

    [Range(1, int.MaxValue)]
    public int RegistrationsPerMinutePerAddress { get; set; } = 10;

    [Range(1, int.MaxValue)]
    public int LegacyUploadsPerMinutePerAddress { get; set; } = 120;

    /// <summary>How often, and how long after its start, an account deletion left unfinished (a crash) is finished.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AccountDeletionSweepInterval { get; set; } = TimeSpan.FromMinutes(1);
}
