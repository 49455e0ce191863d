namespace ShareLM.Ingest.Tests;

public sealed class RateLimitFixture : StackFixture
{
    protected override StackOptions Options => new()
    {
        Services = [Service.Ingest],
        HoldWindow = TimeSpan.FromMinutes(10),
        Settings = new()
        {
            ["Ingest:RegistrationsPerMinutePerAddress"] = "3",
            ["Ingest:ContributorRequestsPerMinute"] = "5",
            ["Ingest:LegacyUploadsPerMinutePerAddress"] = "2",
        },
    };
}
