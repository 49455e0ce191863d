namespace ShareLM.Testing;

public sealed class IngestOnlyFixture : StackFixture
{
    protected override StackOptions Options => new()
    {
        Services = [Service.Ingest],
        HoldWindow = TimeSpan.FromMinutes(10),
        Settings = new() { ["Ingest:AllowedOrigins:0"] = "chrome-extension://sharelm" },
    };
}
