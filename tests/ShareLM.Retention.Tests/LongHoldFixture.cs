namespace ShareLM.Retention.Tests;

public sealed class LongHoldFixture : StackFixture
{
    protected override StackOptions Options => new() { HoldWindow = TimeSpan.FromMinutes(10) };
}
