namespace ShareLM.ServiceDefaults.Hosting;

/// <summary>
/// The hold every conversation spends private before it joins the public collection. Read by every
/// service from the <c>Retention</c> section (e.g. <c>Retention__HoldWindow=00:00:03</c>): Ingest stamps
/// <c>publishAt</c> into the event, Retention schedules exactly that time.
/// </summary>
public sealed class HoldSettings
{
    public const string Section = "Retention";

    /// <summary>Hold after the last change of a contributed conversation (the original extension: 24 hours).</summary>
    public TimeSpan HoldWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Hold for uploads from the original extension, which already held them for 24 hours itself.</summary>
    public TimeSpan LegacyHoldWindow { get; set; } = TimeSpan.Zero;
}
