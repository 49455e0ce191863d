namespace ShareLM.Events;

// The conversation stream: one Marten event stream per conversation, keyed by the conversation id
// (a UUIDv5 of the contributor and the client's own id, or of the source and upstream id for imports).
// These records are the event store's schema, read by all three services: change them only additively.
// Content-bearing events (ICarriesContent: turns, page URL, demographics, content hashes) carry an Erased flag
// that the masking rule sets, so a projection replaying an erased stream can tell a blanked event from an empty
// conversation. EventKinds.cs says which kind each event is. The content events repeat their fields (turns, page,
// model, rating, hash…) rather than share a base record: each is stored as its own JSON shape, and what they have
// in common is reached through their kinds' interfaces.

/// <summary>The first revision of a contributed conversation; it starts the hold that ends at <paramref name="PublishAt"/>.</summary>
public sealed record ConversationCaptured(
    Guid ConversationId,
    Guid ContributorId,
    string ClientConversationId,
    string Source,
    string TermsVersion,
    Demographics Demographics,
    string? PageUrl,
    string Model,
    IReadOnlyList<Turn> Turns,
    string? Rating,
    bool Redacted,
    string ContentHash,
    DateTimeOffset CapturedAt,
    DateTimeOffset PublishAt,
    bool Erased = false,
    IReadOnlyList<string>? TurnHashes = null) : IWholeTextRevision
{
    int IRevision.Revision => 1;
    DateTimeOffset IRevision.OccurredAt => CapturedAt;
}

/// <summary>A re-send whose first turn differs from the revision before it: the whole conversation again, a new
/// revision, and the hold restarts.</summary>
public sealed record ConversationRevised(
    Guid ConversationId,
    int Revision,
    string? PageUrl,
    string Model,
    IReadOnlyList<Turn> Turns,
    string? Rating,
    bool Redacted,
    string ContentHash,
    DateTimeOffset RevisedAt,
    DateTimeOffset PublishAt,
    bool Erased = false,
    IReadOnlyList<string>? TurnHashes = null) : IWholeTextRevision
{
    DateTimeOffset IRevision.OccurredAt => RevisedAt;
}

/// <summary>
/// A re-send that keeps the first <paramref name="KeptTurns"/> turns of the revision before it (same roles and
/// text) and has <paramref name="NewTurns"/> after them: only those are stored, so a chat the extension sends
/// again after every turn does not store its whole text again each time. <paramref name="TurnRatings"/> holds
/// the ratings of every turn, kept and new. A new revision, and the hold restarts.
/// </summary>
public sealed record ConversationExtended(
    Guid ConversationId,
    int Revision,
    int KeptTurns,
    IReadOnlyList<Turn> NewTurns,
    IReadOnlyList<int?> TurnRatings,
    string? PageUrl,
    string Model,
    string? Rating,
    bool Redacted,
    string ContentHash,
    DateTimeOffset ExtendedAt,
    DateTimeOffset PublishAt,
    bool Erased = false,
    IReadOnlyList<string>? NewTurnHashes = null) : ITextRevision
{
    DateTimeOffset IRevision.OccurredAt => ExtendedAt;

    public IReadOnlyList<Turn> TurnsAfter(IReadOnlyList<Turn> previous) =>
        Turn.WithRatings([.. previous.Take(KeptTurns), .. NewTurns], TurnRatings);

    public IReadOnlyList<string> TurnHashesAfter(IReadOnlyList<string> previous) =>
        NewTurnHashes is { } hashes ? [.. previous.Take(KeptTurns), .. hashes] : [];

    public int TurnCountAfter(int previous) => KeptTurns + NewTurns.Count;
}

/// <summary>Ratings changed (whole conversation and/or per turn): a new revision, and the hold restarts.
/// <paramref name="TurnRatings"/> is aligned with the turns (null where a turn is unrated or not the assistant's).</summary>
public sealed record ConversationRated(
    Guid ConversationId,
    int Revision,
    string? Rating,
    IReadOnlyList<int?> TurnRatings,
    string ContentHash,
    DateTimeOffset RatedAt,
    DateTimeOffset PublishAt,
    bool Erased = false) : IRevision
{
    DateTimeOffset IRevision.OccurredAt => RatedAt;
    public IReadOnlyList<Turn> TurnsAfter(IReadOnlyList<Turn> previous) => Turn.WithRatings(previous, TurnRatings);
}

/// <summary>The contributor asked to publish the given revision now, ending its hold.</summary>
public sealed record PublicationRequested(Guid ConversationId, int Revision, DateTimeOffset RequestedAt) : IConversationEvent;

/// <summary>The revision became public, because its hold ended or publication was requested. <paramref name="Language"/>
/// is the language its user turns were found to be in when published (ISO 639-1 or "und"), so that replaying the
/// streams never has to detect it again; null in events written before it was recorded.</summary>
public sealed record ConversationPublished(Guid ConversationId, int Revision, DateTimeOffset PublishedAt, string Reason, string? Language = null) : IConversationEvent;

/// <summary>Withdrawal by the contributor, the contributor's account deletion, or an operator's take-down.
/// From this event on the conversation is never published again.</summary>
public sealed record DeletionRequested(Guid ConversationId, string RequestedBy, string? Reason, DateTimeOffset RequestedAt) : IConversationEvent;

/// <summary>Erasure is complete: the stream's content is masked, every read model blanked.</summary>
public sealed record ConversationDeleted(Guid ConversationId, bool WasPublic, DateTimeOffset DeletedAt) : IConversationEvent;

/// <summary>A conversation brought in from an upstream public dataset: public at once, no hold.</summary>
public sealed record ConversationImported(
    Guid ConversationId,
    string Source,
    string UpstreamId,
    string? UpstreamUser,
    string Model,
    IReadOnlyList<Turn> Turns,
    string? Rating,
    string? Language,
    string? Toxic,
    bool Redacted,
    Demographics Demographics,
    string? Timestamp,
    DateTimeOffset ImportedAt,
    bool Erased = false) : IHoldsWholeText;
