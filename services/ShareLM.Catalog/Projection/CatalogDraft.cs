using ShareLM.Events;

namespace ShareLM.Catalog.Projection;

/// <summary>
/// The Catalog's private copy of a live conversation's latest revision: what a public record is made from
/// when that revision is published. Deleted (not blanked) when the conversation is deleted.
/// </summary>
public sealed class CatalogDraft
{
    public Guid Id { get; set; }
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
    public int? PublishedRevision { get; set; }
    public bool Imported { get; set; }
}
