namespace ShareLM.Ingest.Tests;

public sealed class LimitedIngestFixture : StackFixture
{
    protected override StackOptions Options => new()
    {
        Services = [Service.Ingest],
        HoldWindow = TimeSpan.FromMinutes(10),
        Settings = new()
        {
            ["Ingest:RegistrationsPerMinutePerAddress"] = "1000",
            ["Ingest:ContributorRequestsPerMinute"] = "1000",
            ["Ingest:LegacyUploadsPerMinutePerAddress"] = "1000",
        },
    };
}
