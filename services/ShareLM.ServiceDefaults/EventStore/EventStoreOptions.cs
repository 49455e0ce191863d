using System.ComponentModel.DataAnnotations;

namespace ShareLM.ServiceDefaults.EventStore;

/// <summary>The event store's daemons (section <c>EventStore</c>).</summary>
public sealed class EventStoreOptions
{
    public const string Section = "EventStore";

    /// <summary>How often the async daemons (the relay, the Catalog's projection) look for new events.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan DaemonPollInterval { get; set; } = EventStoreSetup.DefaultDaemonPollInterval;

    /// <summary>How often a node checks for a daemon agent that Marten stopped for good where it leads (zero: never).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StoppedAgentCheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
