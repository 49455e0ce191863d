namespace ShareLM.Ingest.Tests;

public sealed class AccountDeletionFixture : StackFixture
{
    protected override StackOptions Options => new()
    {
        Services = [Service.Ingest],
        HoldWindow = TimeSpan.FromMinutes(10),
        Settings = new() { ["Ingest:AccountDeletionSweepInterval"] = "00:00:01" },
    };
}
