using System.ComponentModel.DataAnnotations;

namespace ShareLM.Catalog.Options;

/// <summary>The public dataset's release and how it is served (section <c>Catalog</c>).</summary>
public sealed class CatalogOptions
{
    public const string Section = "Catalog";

    public const int MinReleaseSecretLength = 16;

    /// <summary>
    /// Key of the pseudonymous user_id; a new secret is a new release (pseudonyms change). Required outside
    /// Development (the Catalog refuses to start without one).
    /// </summary>
    public string ReleaseSecret { get; set; } = "";

    /// <summary>Where snapshot files are kept (default: a folder under the temp directory).</summary>
    public string SnapshotDirectory { get; set; } = "";

    /// <summary>
    /// Most bytes of records in one feed page (a page also stops at its <c>limit</c>); a record larger than this is
    /// served alone. The page is streamed from the database, never built in memory.
    /// </summary>
    [Range(1_024, int.MaxValue)]
    public int FeedPageMaxBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Licence statement in the dataset card.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Licence { get; set; } = "odc-by";

    /// <summary>Most often the stats (a scan of the feed) are recomputed, and only when the dataset changed.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan StatsRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a snapshot is served before a newer one is made (a take-down since it forces one at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Most often a take-down forces a new snapshot: within this time of the last one, requests are answered 503
    /// with <c>Retry-After</c> (the old snapshot, which holds what was taken down, is withheld, never served) and one
    /// build follows, however many take-downs came meanwhile.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SnapshotRebuildInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often snapshot files made before a take-down are deleted from the disk.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SnapshotSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The report form's time-based token: a report sent sooner than this after the form was served is refused (a
    /// person reads the form first; a script posts at once). No captcha, no third party.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ReportMinimumAge { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a served report form can be sent.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ReportMaximumAge { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often the full-text vector of newly public records is made (the explorer's search finds a record
    /// from then on).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan SearchIndexInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many of the newest cursors (below a page's start) a search reads in order before it asks the
    /// full-text index for the rest: a word in most records fills its page there, a rare one is found by the index.</summary>
    [Range(1, 10_000_000)]
    public long SearchWindow { get; set; } = 20_000;

    /// <summary>Most reports sent from one address (IPv6: its /64) in an hour, per Catalog instance.</summary>
    [Range(1, 100_000)]
    public int ReportsPerHourPerAddress { get; set; } = 10;
}
