namespace ShareLM.Events;

// What kind of event a type is, declared on the event itself, so that the code that treats a kind alike (the
// relay, masking, the revision reader, the folds) enumerates kinds instead of listing types, and the next event
// type cannot be forgotten in one of them. The members are explicit interface implementations where the record
// has no such field of its own, so the stored JSON does not change.

/// <summary>An event of one conversation's stream.</summary>
public interface IConversationEvent
{
    Guid ConversationId { get; }
}

/// <summary>
/// A new revision of the conversation (captured, revised, extended, rated): its content changed, and its hold
/// starts again, to end at <see cref="PublishAt"/>.
/// </summary>
public interface IRevision : ICarriesContent
{
    int Revision { get; }
    string? Rating { get; }
    string ContentHash { get; }
    DateTimeOffset OccurredAt { get; }
    DateTimeOffset PublishAt { get; }

    /// <summary>The turns of this revision, from those of the revision before it (none before a capture).</summary>
    IReadOnlyList<Turn> TurnsAfter(IReadOnlyList<Turn> previous);
}

/// <summary>A revision that carries text (captured, revised, extended), with where it was captured and from which model.</summary>
public interface ITextRevision : IRevision
{
    string? PageUrl { get; }
    string Model { get; }
    bool Redacted { get; }

    /// <summary>The turn hashes of this revision (empty when they were not kept: the next re-send is then a full revision).</summary>
    IReadOnlyList<string> TurnHashesAfter(IReadOnlyList<string> previous);

    /// <summary>How many turns this revision has, given how many the one before it had.</summary>
    int TurnCountAfter(int previous);
}

/// <summary>
/// An event that holds a conversation's text or anything that could identify its contributor: erasure masks
/// it (every such type has a masking rule), and <see cref="Erased"/> tells a masked event from an empty one.
/// </summary>
public interface ICarriesContent : IConversationEvent
{
    bool Erased { get; }
}

/// <summary>An event that holds the whole text of its revision: a fold can start from it without older events.</summary>
public interface IHoldsWholeText : ICarriesContent
{
    IReadOnlyList<Turn> Turns { get; }
}

/// <summary>A revision that carries its whole text (captured, revised): the turns before it do not matter.</summary>
public interface IWholeTextRevision : ITextRevision, IHoldsWholeText
{
    IReadOnlyList<string>? TurnHashes { get; }

    IReadOnlyList<Turn> IRevision.TurnsAfter(IReadOnlyList<Turn> previous) => Turns;
    IReadOnlyList<string> ITextRevision.TurnHashesAfter(IReadOnlyList<string> previous) => TurnHashes ?? [];
    int ITextRevision.TurnCountAfter(int previous) => Turns.Count;
}
