namespace ShareLM.EndToEnd.Tests;

public sealed class HostileFixture : StackFixture
{
    // Nothing is published while the class runs, legacy uploads included (the tests' default legacy hold is zero):
    // a publication of one test's captures landing in another test's window would be counted as a change it made.
    protected override StackOptions Options => new() { HoldWindow = TimeSpan.FromMinutes(10), LegacyHoldWindow = TimeSpan.FromMinutes(10) };
}
