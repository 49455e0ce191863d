using System.ComponentModel.DataAnnotations;

namespace ShareLM.Retention.Options;

/// <summary>What follows an erasure (section <c>Retention:Erasure</c>).</summary>
public sealed class ErasureOptions
{
    public const string Section = "Retention:Erasure";

    /// <summary>How long a vacuum request waits for more, so that a burst of deletions costs one vacuum.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan VacuumDebounce { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How soon a vacuum that left old row versions behind (held back by a long transaction) runs again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan VacuumRetryInterval { get; set; } = TimeSpan.FromMinutes(1);
}
