using ShareLM.Events;

namespace ShareLM.ServiceDefaults.EventStore;

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
/// erasure has to reach. <see cref="Apply(DeletionRequested)"/> blanks what it keeps of the content.
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

    public void Apply(ConversationCaptured e)
    {
        Id = e.ConversationId;
        ContributorId = e.ContributorId;
        ClientConversationId = e.ClientConversationId;
        Source = e.Source;
        TermsVersion = e.TermsVersion;
        Demographics = e.Demographics;
        PageUrl = e.PageUrl;
        Model = e.Model;
        MessageCount = e.Turns.Count;
        Rating = e.Rating;
        Redacted = e.Redacted;
        ContentHash = e.ContentHash;
        TurnHashes = e.TurnHashes is { } hashes ? [.. hashes] : [];
        Revision = 1;
        Status = ConversationStatus.Held;
        CapturedAt = UpdatedAt = e.CapturedAt;
        PublishAt = e.PublishAt;
    }

    public void Apply(ConversationRevised e)
    {
        if (IsDeletedOrDeleting) return;
        PageUrl = e.PageUrl;
        Model = e.Model;
        MessageCount = e.Turns.Count;
        Rating = e.Rating;
        Redacted = e.Redacted;
        ContentHash = e.ContentHash;
        TurnHashes = e.TurnHashes is { } hashes ? [.. hashes] : [];
        Revision = e.Revision;
        Status = ConversationStatus.Held;
        UpdatedAt = e.RevisedAt;
        PublishAt = e.PublishAt;
    }

    public void Apply(ConversationExtended e)
    {
        if (IsDeletedOrDeleting) return;
        PageUrl = e.PageUrl;
        Model = e.Model;
        MessageCount = e.KeptTurns + e.NewTurns.Count;
        Rating = e.Rating;
        Redacted = e.Redacted;
        ContentHash = e.ContentHash;
        TurnHashes = e.NewTurnHashes is { } hashes ? [.. TurnHashes.Take(e.KeptTurns), .. hashes] : [];
        Revision = e.Revision;
        Status = ConversationStatus.Held;
        UpdatedAt = e.ExtendedAt;
        PublishAt = e.PublishAt;
    }

    public void Apply(ConversationRated e)
    {
        if (IsDeletedOrDeleting) return;
        Rating = e.Rating;
        ContentHash = e.ContentHash;
        Revision = e.Revision;
        Status = ConversationStatus.Held;
        UpdatedAt = e.RatedAt;
        PublishAt = e.PublishAt;
    }

    public void Apply(PublicationRequested e)
    {
        if (IsDeletedOrDeleting || e.Revision != Revision) return;
        // Publishing now means the hold ends now; Retention appends ConversationPublished.
        if (e.RequestedAt < PublishAt) PublishAt = e.RequestedAt;
    }

    public void Apply(ConversationPublished e)
    {
        if (IsDeletedOrDeleting) return;
        PublishedRevision = e.Revision;
        PublishedAt = e.PublishedAt;
        if (e.Revision == Revision) Status = ConversationStatus.Published;
    }

    /// <remarks>An imported conversation has no contributor to show it to, so its write model keeps no copy of the
    /// text (it is in the event and the public record): imports write less, and erasure has one copy fewer.</remarks>
    public void Apply(ConversationImported e)
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

    public void Apply(DeletionRequested e)
    {
        if (IsDeletedOrDeleting) return;
        Status = ConversationStatus.Deleting;
        DeletionRequestedAt = e.RequestedAt;
        DeletionRequestedBy = e.RequestedBy;
        UpdatedAt = e.RequestedAt;
        Blank();
    }

    public void Apply(ConversationDeleted e)
    {
        Status = ConversationStatus.Deleted;
        DeletedAt = e.DeletedAt;
        UpdatedAt = e.DeletedAt;
        Blank();
    }

    /// <summary>A copy with <paramref name="events"/> applied: what the inline projection will store after the append.</summary>
    public ConversationState Fold(IEnumerable<object> events)
    {
        var next = (ConversationState)MemberwiseClone();
        foreach (var e in events)
        {
            switch (e)
            {
                case ConversationCaptured x: next.Apply(x); break;
                case ConversationRevised x: next.Apply(x); break;
                case ConversationExtended x: next.Apply(x); break;
                case ConversationRated x: next.Apply(x); break;
                case PublicationRequested x: next.Apply(x); break;
                case ConversationPublished x: next.Apply(x); break;
                case ConversationImported x: next.Apply(x); break;
                case DeletionRequested x: next.Apply(x); break;
                case ConversationDeleted x: next.Apply(x); break;
            }
            next.Version++;
        }
        return next;
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
