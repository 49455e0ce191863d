using System.ComponentModel.DataAnnotations;
using ShareLM.Events;

namespace ShareLM.Conversations;

/// <summary>
/// The hold every conversation spends private before it joins the public collection. Read by every
/// service from the <c>Retention</c> section (e.g. <c>Retention__HoldWindow=00:00:03</c>): Ingest stamps
/// <c>publishAt</c> into the event, Retention schedules exactly that time.
/// </summary>
public sealed class HoldOptions
{
    public const string Section = "Retention";

    /// <summary>Hold after the last change of a contributed conversation (the original extension: 24 hours).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan HoldWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Hold for uploads from the original extension. It held conversations 24 hours itself, but its upload has no
    /// credential beyond the user and conversation ids it carries, so anyone who learns them could send other
    /// content under that pseudonym: its uploads get the production hold too (time for a deletion) unless an
    /// operator decides otherwise.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan LegacyHoldWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The hold a conversation from <paramref name="source"/> gets after each change.</summary>
    public TimeSpan WindowFor(string source) => source == Vocabulary.SourceLegacyExtension ? LegacyHoldWindow : HoldWindow;
}
