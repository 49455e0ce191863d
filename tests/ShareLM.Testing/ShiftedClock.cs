namespace ShareLM.Testing;

/// <summary>
/// The system clock, moved forward by hand: a test that needs "later" for a service (a revision whose hold ends
/// measurably after the one before it) advances it instead of waiting. Time never runs backwards, and timers
/// and stopwatches keep the system's pace.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, Math.Max(0, by.Ticks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
