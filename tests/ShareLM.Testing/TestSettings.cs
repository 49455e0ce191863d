namespace ShareLM.Testing;

/// <summary>
/// The settings a service runs with in the tests, built in one place whoever starts it (in process, as a
/// process of its own, or in the fault suite): where PostgreSQL and RabbitMQ are, the holds, and limits high
/// enough that one test address sending as fast as it can is never throttled (the limits have tests of their own).
/// </summary>
public static class TestSettings
{
    public const string ReleaseSecret = "test-release-secret";

    /// <summary>A folder for a Catalog's snapshot files under the run's temporary directory, named for what uses it.</summary>
    public static string SnapshotDirectoryFor(string name) => Path.Combine(Path.GetTempPath(), "sharelm-test-snapshots", name);

    public static Dictionary<string, string?> For(string postgres, string rabbitMq, TimeSpan hold, TimeSpan? legacyHold = null, string? snapshotDirectory = null) => new()
    {
        ["Catalog:SnapshotDirectory"] = snapshotDirectory ?? SnapshotDirectoryFor(Guid.NewGuid().ToString("N")),
        ["ConnectionStrings:Postgres"] = postgres,
        ["ConnectionStrings:RabbitMq"] = rabbitMq,
        ["Retention:HoldWindow"] = hold.ToString("c"),
        ["Retention:LegacyHoldWindow"] = (legacyHold ?? TimeSpan.Zero).ToString("c"),
        ["Ingest:ContributorRequestsPerMinute"] = "1000000",
        ["Ingest:RegistrationsPerMinutePerAddress"] = "1000000",
        ["Ingest:LegacyUploadsPerMinutePerAddress"] = "1000000",
        ["Catalog:ReleaseSecret"] = ReleaseSecret,
        // Loads in under a second: every stack of the run would otherwise load the high-accuracy models (seconds of
        // CPU and over a gigabyte each). Production's high accuracy is measured by the labeled set (LanguageDetectorTests).
        ["Language:Accuracy"] = "Low",
        ["Retention:Erasure:VacuumDebounce"] = "00:00:00.200",
        ["Retention:Erasure:VacuumRetryInterval"] = "00:00:01",
    };

    /// <summary>The same, with <paramref name="overrides"/> applied last.</summary>
    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, IReadOnlyDictionary<string, string?> overrides)
    {
        foreach (var (key, value) in overrides) settings[key] = value;
        return settings;
    }
}
