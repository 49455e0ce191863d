using ShareLM.Events;

namespace ShareLM.Conversations;

public enum ConversationStatus
{
    /// <summary>The latest revision is private, waiting for its hold to end (an older one may be public).</summary>
    Held,
    /// <summary>The latest revision is public.</summary>
    Published,
    /// <summary>Deletion requested: content already blanked here, erasure of the stream under way.</summary>
    Deleting,
    /// <summary>Erased. The id stays known so that a re-send answers 410 Gone.</summary>
    Deleted,
}

/// <summary>
/// The write model of one conversation, kept inline (in the same transaction as every append) by every
/// service that appends: Ingest decides re-sends and serves the contributor's own views from it, Retention
/// decides publication and deletion from it. It keeps no message text (the hash of the latest content decides
/// whether a re-send changes anything; the text itself is read from the stream when a contributor asks for it):
/// every capture writes this row, and a copy of the text here would double what each capture writes and what
/// erasure has to reach. A deletion request blanks what it keeps of the content.
/// </summary>
public sealed class ConversationState
{
    public Guid Id { get; set; }
    public long Version { get; set; }
    public Guid ContributorId { get; set; }
    public string ClientConversationId { get; set; } = "";
    public string Source { get; set; } = "";
    public string? UpstreamId { get; set; }
    public string TermsVersion { get; set; } = "";
    public Demographics Demographics { get; set; } = Demographics.None;
    public string? PageUrl { get; set; }
    public string Model { get; set; } = "unknown";
    public int MessageCount { get; set; }
    public string? Rating { get; set; }
    public bool Redacted { get; set; }
    public string ContentHash { get; set; } = "";
    /// <summary>One short hash per turn of the latest revision (made by Ingest, carried by the events); empty for
    /// conversations captured before they were kept, whose next re-send is then a full revision.</summary>
    public List<string> TurnHashes { get; set; } = [];
    public int Revision { get; set; }
    public int? PublishedRevision { get; set; }
    public ConversationStatus Status { get; set; }
    public DateTimeOffset CapturedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset PublishAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public DateTimeOffset? DeletionRequestedAt { get; set; }
    public string? DeletionRequestedBy { get; set; }
    public DateTimeOffset? DeletedAt { get; set; }

    public bool IsDeletedOrDeleting => Status is ConversationStatus.Deleting or ConversationStatus.Deleted;
    public bool WasEverPublic => PublishedRevision is not null;

    void On(ConversationCaptured e)
    {
        Id = e.ConversationId;
        ContributorId = e.ContributorId;
        ClientConversationId = e.ClientConversationId;
        Source = e.Source;
        TermsVersion = e.TermsVersion;
        Demographics = e.Demographics;
        CapturedAt = e.CapturedAt;
        Revise(e);
    }

    void On(ConversationRevised e) => Revise(e);

    void On(ConversationExtended e) => Revise(e);

    void On(ConversationRated e) => Revise(e);

    /// <summary>Every revision alike: the hold starts again; what it says of the text is kept, the text is not.</summary>
    void Revise(IRevision e)
    {
        if (IsDeletedOrDeleting) return;
        if (e is ITextRevision text)
        {
            PageUrl = text.PageUrl;
            Model = text.Model;
            Redacted = text.Redacted;
            MessageCount = text.TurnCountAfter(MessageCount);
            TurnHashes = [.. text.TurnHashesAfter(TurnHashes)];
        }
        Rating = e.Rating;
        ContentHash = e.ContentHash;
        Revision = e.Revision;
        Status = ConversationStatus.Held;
        UpdatedAt = e.OccurredAt;
        PublishAt = e.PublishAt;
    }

    void On(PublicationRequested e)
    {
        if (IsDeletedOrDeleting || e.Revision != Revision) return;
        // Publishing now means the hold ends now; Retention appends ConversationPublished.
        if (e.RequestedAt < PublishAt) PublishAt = e.RequestedAt;
    }

    void On(ConversationPublished e)
    {
        if (IsDeletedOrDeleting) return;
        PublishedRevision = e.Revision;
        PublishedAt = e.PublishedAt;
        if (e.Revision == Revision) Status = ConversationStatus.Published;
    }

    /// <remarks>An imported conversation has no contributor to show it to, so its write model keeps no copy of the
    /// text (it is in the event and the public record): imports write less, and erasure has one copy fewer.</remarks>
    void On(ConversationImported e)
    {
        Id = e.ConversationId;
        Source = e.Source;
        UpstreamId = e.UpstreamId;
        Demographics = e.Demographics;
        Model = e.Model;
        Rating = e.Rating;
        Redacted = e.Redacted;
        Revision = 1;
        PublishedRevision = 1;
        Status = ConversationStatus.Published;
        CapturedAt = UpdatedAt = PublishAt = e.ImportedAt;
        PublishedAt = e.ImportedAt;
    }

    void On(DeletionRequested e)
    {
        if (IsDeletedOrDeleting) return;
        Status = ConversationStatus.Deleting;
        DeletionRequestedAt = e.RequestedAt;
        DeletionRequestedBy = e.RequestedBy;
        UpdatedAt = e.RequestedAt;
        // With the account, the link to the person goes too (the erasure masks it in the stream's events).
        if (e.RequestedBy == Vocabulary.DeletedWithAccount) ContributorId = Guid.Empty;
        Blank();
    }

    void On(ConversationDeleted e)
    {
        Status = ConversationStatus.Deleted;
        DeletedAt = e.DeletedAt;
        UpdatedAt = e.DeletedAt;
        // Erased: the client's own id for it (a platform's id for the chat) goes with the content.
        ClientConversationId = "";
        Blank();
    }

    /// <summary>A copy with <paramref name="events"/> applied: what the inline projection will store after the append.</summary>
    public ConversationState Fold(IEnumerable<object> events)
    {
        var next = (ConversationState)MemberwiseClone();
        foreach (var e in events) next.Evolve(e);
        return next;
    }

    /// <summary>Applies one more event of the stream (the event store's projection and <see cref="Fold"/> both come here).</summary>
    public void Evolve(object e)
    {
        switch (e)
        {
            case ConversationCaptured x: On(x); break;
            case ConversationRevised x: On(x); break;
            case ConversationExtended x: On(x); break;
            case ConversationRated x: On(x); break;
            case PublicationRequested x: On(x); break;
            case ConversationPublished x: On(x); break;
            case ConversationImported x: On(x); break;
            case DeletionRequested x: On(x); break;
            case ConversationDeleted x: On(x); break;
            default: throw new ArgumentException($"The write model does not know the event {e.GetType().Name}.", nameof(e));
        }
        Version++;
    }

    void Blank()
    {
        // No soft delete of content: the row keeps ids and times only.
        MessageCount = 0;
        PageUrl = null;
        Demographics = Demographics.None;
        ContentHash = "";
        TurnHashes = [];
        Rating = null;
    }
}
