namespace ShareLM.Ops.Tests;

public sealed class OpsFixture : StackFixture
{
    protected override StackOptions Options => new()
    {
        HoldWindow = TimeSpan.FromMinutes(10), Settings = new()
        {
            ["Retention:Reconciliation:Interval"] = "00:00:00",
            ["Catalog:ReportMinimumAge"] = "00:00:00",
        }
    };

    public IReadOnlyDictionary<string, string?> OpsSettings
    {
        get
        {
            var settings = Stack.Settings.ToDictionary();
            settings["RabbitMq:ManagementUrl"] = Environment.Infrastructure.Management.ToString();
            return settings;
        }
    }

    public Task<OpsResult> RunAsync(params string[] args) => OpsProcess.RunAsync(OpsSettings, args);

    public async Task<Guid> PublishAsync(Contributor contributor, object conversation)
    {
        var id = Guid.Parse((string)(await Ingest.CaptureAsync(contributor, conversation))["id"]!);
        await Ingest.SendAsync(contributor, HttpMethod.Post, $"/v1/conversations/{id}/publish");
        await Eventually.Get(() => Catalog.FeedEntryAsync(id), TimeSpan.FromSeconds(20), "publication");
        return id;
    }
}
