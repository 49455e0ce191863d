using ShareLM.Events;

namespace ShareLM.Conversations;

/// <summary>
/// A conversation's content as it stood after some of its events: the turns with their ratings, the
/// conversation's rating, model, page, and where it came from. The one fold of a stream's content, used
/// wherever text is needed, since the write model (<see cref="ConversationState"/>) keeps none: the
/// contributor's own views in Ingest, and the public record the Catalog makes when a revision is published
/// (or an import arrives). Never stored: it is folded from the stream each time, so erasure has no copy of it
/// to find. A deletion request blanks it.
/// </summary>
public sealed record ConversationContent
{
    public static readonly ConversationContent None = new();

    /// <summary>How many events were folded: the stream version it was folded at, when the fold started at the stream's first event.</summary>
    public long Version { get; init; }
    /// <summary>0 until a capture, revision or import is folded.</summary>
    public int Revision { get; init; }
    public string Source { get; init; } = "";
    public Guid ContributorId { get; init; }
    public string? UpstreamUser { get; init; }
    public string Model { get; init; } = "unknown";
    public string? PageUrl { get; init; }
    public IReadOnlyList<Turn> Turns { get; init; } = [];
    public string? Rating { get; init; }
    public bool Redacted { get; init; }
    public Demographics Demographics { get; init; } = Demographics.None;
    public string? Language { get; init; }
    public string? Toxic { get; init; }
    public string? UpstreamTimestamp { get; init; }
    public DateTimeOffset ChangedAt { get; init; }
    public bool Imported { get; init; }
    /// <summary>Erasure masked an event this content comes from: it must never be published.</summary>
    public bool Erased { get; init; }

    /// <summary>Whether a capture, whole revision or import was folded: there is a conversation to show.</summary>
    public bool HasContent => Revision > 0;

    /// <summary>The content after <paramref name="events"/>, oldest first.</summary>
    public static ConversationContent Fold(IEnumerable<object> events)
    {
        var content = None;
        foreach (var e in events) content = content.Apply(e);
        return content;
    }

    /// <summary>The content after one more event. A revision before any capture (a fold that started in the middle
    /// of a stream without its whole text) changes nothing but the version.</summary>
    public ConversationContent Apply(object e)
    {
        var next = e switch
        {
            ConversationCaptured c => Revise(new ConversationContent
            {
                Source = c.Source, ContributorId = c.ContributorId, Demographics = c.Demographics,
            }, c),
            IRevision r when HasContent => Revise(this, r),
            IRevision => this,
            ConversationImported i => new ConversationContent
            {
                Revision = 1, Source = i.Source, UpstreamUser = i.UpstreamUser, Model = i.Model, Turns = i.Turns, Rating = i.Rating,
                Redacted = i.Redacted, Demographics = i.Demographics, Language = i.Language, Toxic = i.Toxic, UpstreamTimestamp = i.Timestamp,
                ChangedAt = i.ImportedAt, Imported = true, Erased = i.Erased,
            },
            // From the deletion request on, nothing of the text is shown to anyone.
            DeletionRequested or ConversationDeleted => None with { Erased = true },
            PublicationRequested or ConversationPublished => this,
            _ => throw new ArgumentException($"The content fold does not know the event {e.GetType().Name}.", nameof(e)),
        };
        return next with { Version = Version + 1 };
    }

    static ConversationContent Revise(ConversationContent before, IRevision e)
    {
        var after = before with
        {
            Revision = e.Revision,
            Turns = e.TurnsAfter(before.Turns),
            Rating = e.Rating,
            ChangedAt = e.OccurredAt,
            Erased = before.Erased || e.Erased,
        };
        return e is ITextRevision text ? after with { Model = text.Model, PageUrl = text.PageUrl, Redacted = text.Redacted } : after;
    }
}
