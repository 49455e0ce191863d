using ShareLM.Events;

namespace ShareLM.Catalog.Projection;

/// <summary>
/// What a public record is made from: a conversation as it stood at one revision, folded from its own
/// stream when that revision is published (or taken whole from <see cref="ConversationImported"/>). Never
/// stored: the Catalog keeps no private copy of conversation text beside the public dataset, so a held
/// conversation costs it nothing and erasure has nothing of the Catalog's to find.
/// </summary>
public sealed class RecordContent
{
    public int Revision { get; set; }
    public string Source { get; set; } = "";
    public Guid ContributorId { get; set; }
    public string? UpstreamUser { get; set; }
    public string Model { get; set; } = "unknown";
    public List<Turn> Turns { get; set; } = [];
    public string? Rating { get; set; }
    public bool Redacted { get; set; }
    public Demographics Demographics { get; set; } = Demographics.None;
    public string? Language { get; set; }
    public string? Toxic { get; set; }
    public string? UpstreamTimestamp { get; set; }
    public DateTimeOffset ChangedAt { get; set; }
    public bool Imported { get; set; }
    /// <summary>Erasure masked an event this content comes from: it must never be published.</summary>
    public bool Erased { get; set; }

    public static RecordContent FromImport(ConversationImported i) => new()
    {
        Revision = 1, Source = i.Source, UpstreamUser = i.UpstreamUser, Model = i.Model, Turns = [.. i.Turns], Rating = i.Rating,
        Redacted = i.Redacted, Demographics = i.Demographics, Language = i.Language, Toxic = i.Toxic, UpstreamTimestamp = i.Timestamp,
        ChangedAt = i.ImportedAt, Imported = true, Erased = i.Erased,
    };

    /// <summary>
    /// Folds a stream's content events (captured, revised, extended, rated), oldest first, into the content of the last
    /// revision among them; null when they hold no capture or revision to start from.
    /// </summary>
    public static RecordContent? Fold(IEnumerable<object> events)
    {
        RecordContent? content = null;
        foreach (var e in events)
        {
            switch (e)
            {
                case ConversationCaptured c:
                    content = new RecordContent
                    {
                        Revision = 1, Source = c.Source, ContributorId = c.ContributorId, Model = c.Model, Turns = [.. c.Turns],
                        Rating = c.Rating, Redacted = c.Redacted, Demographics = c.Demographics, ChangedAt = c.CapturedAt, Erased = c.Erased,
                    };
                    break;
                case ConversationRevised r when content is not null:
                    content.Revision = r.Revision;
                    content.Model = r.Model;
                    content.Turns = [.. r.Turns];
                    content.Rating = r.Rating;
                    content.Redacted = r.Redacted;
                    content.ChangedAt = r.RevisedAt;
                    content.Erased |= r.Erased;
                    break;
                case ConversationExtended x when content is not null:
                    content.Revision = x.Revision;
                    content.Model = x.Model;
                    content.Turns = [.. x.ApplyTo(content.Turns)];
                    content.Rating = x.Rating;
                    content.Redacted = x.Redacted;
                    content.ChangedAt = x.ExtendedAt;
                    content.Erased |= x.Erased;
                    break;
                case ConversationRated r when content is not null:
                    content.Revision = r.Revision;
                    content.Rating = r.Rating;
                    content.Turns = [.. Turn.WithRatings(content.Turns, r.TurnRatings)];
                    content.ChangedAt = r.RatedAt;
                    break;
            }
        }
        return content;
    }
}
