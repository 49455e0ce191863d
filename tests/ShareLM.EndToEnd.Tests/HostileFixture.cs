namespace ShareLM.EndToEnd.Tests;

public sealed class HostileFixture : StackFixture
{
    protected override StackOptions Options => new() { HoldWindow = TimeSpan.FromMinutes(10) };
}
