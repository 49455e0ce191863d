using ShareLM.Catalog.Projection;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Conversations;
using ShareLM.Events;

namespace ShareLM.Catalog.Tests;

public sealed class PublicRecordTests
{
    static readonly Pseudonymizer Pseudonyms = new("release-1");

    static ConversationContent Content(Guid contributor) => new()
    {
        Revision = 2,
        Source = Vocabulary.SourceExtension,
        ContributorId = contributor,
        Model = "claude",
        Turns =
        [
            new Turn("system", "You are helpful."),
            new Turn("user", "Explain recursion to me, please, with a short example that I can follow."),
            new Turn("assistant", "A function that calls itself.", 1),
            new Turn("user", "And the base case?"),
            new Turn("assistant", "It stops the recursion."),
        ],
        Rating = Vocabulary.RatingUp,
        Redacted = true,
        Demographics = new Demographics("30", null, "IL"),
        ChangedAt = new DateTimeOffset(2026, 5, 3, 10, 11, 12, 345, TimeSpan.Zero),
    };

    [Fact]
    public void Maps_to_the_sharelm_schema()
    {
        var contributor = Guid.NewGuid();
        var content = Content(contributor);
        var id = Guid.NewGuid();
        var record = PublicRecord.From(id, content, Pseudonyms);
        Assert.Equal(id.ToString(), record.ConversationId);
        Assert.Equal(["system", "user", "assistant", "user", "assistant"], record.Conversation.Select(t => t.Role));
        Assert.Equal("claude", record.ModelName);
        Assert.Equal("thumbup", record.ConversationMetadata.Rate);
        Assert.Equal("true", record.ConversationMetadata.Redacted);
        Assert.Equal("en", record.ConversationMetadata.Language);
        Assert.Equal([1, null], record.ConversationMetadata.MessageRatings);
        Assert.Equal("", record.ConversationMetadata.Toxic);
        Assert.Equal("2026-05-03T10:11:12.345Z", record.Timestamp);
        Assert.Equal(new PublicUserMetadata("IL", "30", ""), record.UserMetadata);
        Assert.Equal(PublicRecord.CurrentSchemaVersion, record.SchemaVersion);
        var json = record.ToJson();
        Assert.Contains("\"conversation_metadata\":{\"rate\":\"thumbup\"", json);
        Assert.DoesNotContain(contributor.ToString(), json);
    }

    [Fact]
    public void The_pseudonym_is_stable_keyed_and_never_the_contributor_id()
    {
        var contributor = Guid.NewGuid();
        var a = Pseudonyms.For(contributor);
        Assert.Equal(a, Pseudonyms.For(contributor));
        Assert.NotEqual(a, Pseudonyms.For(Guid.NewGuid()));
        Assert.NotEqual(a, new Pseudonymizer("release-2").For(contributor));
        Assert.DoesNotContain(contributor.ToString("N"), a);
        Assert.NotEqual(contributor.ToString(), a);
        Assert.Equal(32, a.Length);
    }
}
