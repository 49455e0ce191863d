using ShareLM.Events;
using ShareLM.Ingest.Capture;

namespace ShareLM.Ingest.Tests;

/// <summary>The conversation, contributor and clock the decision unit tests share.</summary>
static class DecisionTestData
{
    public static readonly Guid Id = Guid.NewGuid();
    public static readonly CaptureOrigin Origin = new(Guid.NewGuid(), Vocabulary.SourceExtension, "t1", Demographics.None, TimeSpan.FromHours(24));
    public static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
}
