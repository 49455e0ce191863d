using System.ComponentModel.DataAnnotations;

namespace ShareLM.ServiceDefaults.Messaging;

/// <summary>The consumer watchdog (section <c>Messaging:Watchdog</c>).</summary>
public sealed class WatchdogOptions
{
    public const string Section = "Messaging:Watchdog";
    /// <summary>How often the broker is asked for each queue's consumers.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Consecutive checks with no consumer at the broker before the bus is restarted.</summary>
    [Range(1, 1_000)]
    public int Strikes { get; set; } = 2;
    /// <summary>If the graceful stop has not finished by then, the process leaves anyway (zero: never force).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan HardExitAfter { get; set; } = TimeSpan.FromSeconds(45);
}
