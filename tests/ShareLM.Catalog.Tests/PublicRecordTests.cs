using ShareLM.Catalog.Projection;
using ShareLM.Catalog.Pseudonyms;
using ShareLM.Conversations;
using ShareLM.Conversations.Language;
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
        var record = PublicRecord.From(id, content, Pseudonyms, LanguageDetector.High.Of(content));
        Assert.Equal(id.ToString(), record.ConversationId);
        Assert.Equal(["system", "user", "assistant", "user", "assistant"], record.Conversation.Select(t => t.Role));
        Assert.Equal("claude", record.ModelName);
        Assert.Equal("thumbup", record.ConversationMetadata.Rate);
        Assert.Equal("true", record.ConversationMetadata.Redacted);
        Assert.Equal("en", record.ConversationMetadata.Language);
        Assert.Equal([1, null], record.ConversationMetadata.MessageRatings);
        Assert.Equal("", record.ConversationMetadata.Toxic);
        Assert.Equal("2026-05-03T10:00:00.000Z", record.Timestamp); // to the hour
        Assert.Equal(new PublicUserMetadata("IL", "25-34", ""), record.UserMetadata); // stored before the vocabularies: coerced
        Assert.Equal(PublicRecord.CurrentSchemaVersion, record.SchemaVersion);
        var json = record.ToJson();
        Assert.Contains("\"conversation_metadata\":{\"rate\":\"thumbup\"", json);
        Assert.DoesNotContain(contributor.ToString(), json);
    }

    [Theory]
    [InlineData("Loc MARKER", "35", "x", "", "35-44", "other")]
    [InlineData("fr", "twenty", "Female", "FR", "", "woman")]
    [InlineData("12 Main St", "17", "", "", "", "")]
    public void Free_text_demographics_stored_before_the_vocabularies_are_published_in_them(string location, string age, string gender,
        string publishedLocation, string publishedAge, string publishedGender)
    {
        var content = Content(Guid.NewGuid()) with { Demographics = new Demographics(age, gender, location) };
        Assert.Equal(new PublicUserMetadata(publishedLocation, publishedAge, publishedGender), PublicRecord.From(Guid.NewGuid(), content, Pseudonyms, "en").UserMetadata);
    }

    [Fact]
    public void A_model_name_stored_before_the_rules_is_published_by_them()
    {
        var content = Content(Guid.NewGuid()) with { Model = "hf-space:jane-doe/my-private-bot" };
        Assert.Equal("hf-space", PublicRecord.From(Guid.NewGuid(), content, Pseudonyms, "en").ModelName);
    }

    [Fact]
    public void The_dataset_card_escapes_what_it_prints_from_data()
    {
        var stats = new ShareLM.Catalog.Stats.DatasetStats(1, 1, new ShareLM.Catalog.Stats.Totals(0, 1, 0),
            new Dictionary<string, long> { ["evil](https://x.example) | <img src=x onerror=alert(1)>\n| injected | row"] = 1 },
            new Dictionary<string, long>(), new Dictionary<string, long>(), new Dictionary<string, long>(), new Dictionary<string, long>(),
            new Dictionary<string, IReadOnlyDictionary<string, long>>(), new Dictionary<string, long>(), DateTimeOffset.UnixEpoch);
        var card = ShareLM.Catalog.DatasetCard.DatasetCardEndpoint.Render(stats, "odc-by");
        var row = Assert.Single(card.Split('\n'), l => l.Contains("evil", StringComparison.Ordinal));
        Assert.Equal(@"| evil\]\(https\://x.example\) \| \<img src=x onerror=alert\(1\)\> \| injected \| row | 1 |", row);
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
