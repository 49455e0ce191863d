using System.ComponentModel.DataAnnotations;

namespace ShareLM.Ingest.Options;

/// <summary>The group-committing writer (section <c>Ingest:Writer</c>).</summary>
public sealed class WriterOptions
{
    public const string Section = "Ingest:Writer";

    /// <summary>Most commands committed in one transaction.</summary>
    [Range(1, 10_000)]
    public int MaxBatch { get; set; } = 128;

    /// <summary>
    /// Batches committed at once, each by its own loop; a conversation always goes to the same loop. While one
    /// batch waits for its commit to be flushed, another is being built and sent.
    /// </summary>
    [Range(1, 64)]
    public int Writers { get; set; } = 2;

    /// <summary>Attempts for a command whose stream moved under it (another instance wrote first).</summary>
    [Range(1, 100)]
    public int MaxConflictRetries { get; set; } = 8;
}
