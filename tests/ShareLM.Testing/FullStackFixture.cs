namespace ShareLM.Testing;

public sealed class FullStackFixture : StackFixture
{
    // Short enough to wait for, long enough that a loaded machine still acts inside it (revise, delete).
    protected override StackOptions Options => new() { HoldWindow = TimeSpan.FromSeconds(5) };
}
