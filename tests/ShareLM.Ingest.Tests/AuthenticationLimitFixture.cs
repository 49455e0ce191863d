namespace ShareLM.Ingest.Tests;

public sealed class AuthenticationLimitFixture : StackFixture
{
    protected override StackOptions Options => new()
    {
        Services = [Service.Ingest],
        HoldWindow = TimeSpan.FromMinutes(10),
        Settings = new()
        {
            ["Ingest:ContributorRequestsPerMinute"] = "5",
            ["Ingest:FailedAuthenticationsPerMinutePerAddress"] = "3",
        },
    };
}
