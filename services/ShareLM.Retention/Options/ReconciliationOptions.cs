using System.ComponentModel.DataAnnotations;

namespace ShareLM.Retention.Options;

/// <summary>The reconciliation of holds and erasures (section <c>Retention:Reconciliation</c>).</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Retention:Reconciliation";

    /// <summary>How often Retention checks that every held conversation has its schedule (zero: never).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A hold that ended this long ago without a publication is overdue.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan OverdueAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An erasure still not done this long after its request has stalled.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan ErasureStalledAfter { get; set; } = TimeSpan.FromMinutes(1);
}
