using System.ComponentModel.DataAnnotations;

namespace ShareLM.Retention.Options;

/// <summary>The durable scheduler (section <c>Scheduler</c>).</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Rows claimed per transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>Longest sleep between looks at the table, whatever notifications say (a safety net).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxIdle { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one send may take before the row is left for a later attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
