using System.Net;

namespace ShareLM.Catalog.Tests;

public class CatalogFixture : StackFixture
{
    // A long hold: tests publish with publish-now, so nothing publishes behind their back.
    // Snapshots are reused for 20 s: long enough for a test to see one reused, short enough to see it expire.
    public static readonly TimeSpan SnapshotInterval = TimeSpan.FromSeconds(20);
    public const int FeedPageMaxBytes = 64 * 1024;

    public string SnapshotDirectory { get; } = Directory.CreateTempSubdirectory("sharelm-test-snapshots-").FullName;

    /// <summary>Settings a derived fixture changes from this one's.</summary>
    protected virtual IReadOnlyDictionary<string, string?> SettingsChanged => new Dictionary<string, string?>();

    protected override StackOptions Options => new()
    {
        HoldWindow = TimeSpan.FromMinutes(10),
        Settings = new Dictionary<string, string?>
        {
            ["Catalog:SnapshotInterval"] = SnapshotInterval.ToString(),
            ["Catalog:SnapshotDirectory"] = SnapshotDirectory,
            ["Catalog:SnapshotSweepInterval"] = "00:00:01",
            ["Catalog:SnapshotRebuildInterval"] = "00:00:00", // the coalescing has a test of its own
            ["Catalog:FeedPageMaxBytes"] = FeedPageMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Reports are sent as soon as the form is read (the token's minimum age has a test of its own), and often.
            ["Catalog:ReportMinimumAge"] = "00:00:00",
            ["Catalog:ReportsPerHourPerAddress"] = "1000",
            // Searches take both of their ways (the newest cursors in order, then the full-text index) within a few records.
            ["Catalog:SearchWindow"] = "2",
        }.With(SettingsChanged),
    };

    public async Task<Guid> PublishAsync(Contributor contributor, object conversation)
    {
        var id = Guid.Parse((string)(await Ingest.CaptureAsync(contributor, conversation))["id"]!);
        var response = await Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{id}/publish");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.Get(() => Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "publication");
        return id;
    }

    public async Task DeleteAsync(Contributor contributor, Guid id)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await Ingest.SendAsync(contributor, HttpMethod.Delete, $"/v1/conversations/{id}")).StatusCode);
        await Eventually.True(async () => await ScalarAsync("select count(*) from sharelm.mt_events where stream_id = $1 and type = 'conversation_deleted'", id) > 0,
            TimeSpan.FromSeconds(20), "erasure");
    }
}
