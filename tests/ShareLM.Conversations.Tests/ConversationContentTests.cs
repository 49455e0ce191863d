using ShareLM.Events;

namespace ShareLM.Conversations.Tests;

/// <summary>What a revision contains, folded from its stream's content events: the contributor's view and the public record alike.</summary>
public sealed class ConversationContentTests
{
    static readonly Guid Id = Guid.NewGuid();
    static readonly Guid Contributor = Guid.NewGuid();
    static readonly DateTimeOffset T0 = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    static ConversationCaptured Captured(bool erased = false) => new(Id, Contributor, "client-1", Vocabulary.SourceExtension, "terms-1",
        new Demographics("30", null, "IL"), "https://chatgpt.com/c/1", "gpt-4o",
        [new Turn("user", "Hello there"), new Turn("assistant", "Hi!")], null, false, "h1", T0, T0.AddHours(24), erased);

    static ConversationRevised Revised(int revision) => new(Id, revision, null, "gpt-4o-mini",
        [new Turn("user", "Hello there"), new Turn("assistant", "Hi!"), new Turn("user", "More?"), new Turn("assistant", "Sure.")],
        Vocabulary.RatingUp, true, "h" + revision, T0.AddMinutes(revision), T0.AddMinutes(revision).AddHours(24));

    static ConversationRated Rated(int revision, params int?[] ratings) => new(Id, revision, Vocabulary.RatingDown, ratings, "r" + revision,
        T0.AddMinutes(10 + revision), T0.AddMinutes(10 + revision).AddHours(24));

    [Fact]
    public void A_capture_alone_is_revision_one_with_the_contributors_origin()
    {
        var content = ConversationContent.Fold([Captured()]);
        Assert.Equal(1, content.Revision);
        Assert.Equal(Contributor, content.ContributorId);
        Assert.Equal("gpt-4o", content.Model);
        Assert.Equal(new Demographics("30", null, "IL"), content.Demographics);
        Assert.Equal(T0, content.ChangedAt);
        Assert.False(content.Erased);
    }

    [Fact]
    public void A_revision_replaces_the_text_and_keeps_the_origin_and_a_later_rating_applies_to_its_turns()
    {
        var content = ConversationContent.Fold([Captured(), Revised(2), Rated(3, null, 1, null, -1)]);
        Assert.Equal(3, content.Revision);
        Assert.Equal(4, content.Turns.Count);
        Assert.Equal([null, 1, null, -1], content.Turns.Select(t => t.Rating));
        Assert.Equal(Vocabulary.RatingDown, content.Rating);
        Assert.Equal("gpt-4o-mini", content.Model);
        Assert.True(content.Redacted);
        Assert.Equal(Contributor, content.ContributorId);
        Assert.Equal(T0.AddMinutes(13), content.ChangedAt);
    }

    static ConversationExtended Extended(int revision, int kept, Turn[] added, params int?[] ratings) => new(Id, revision, kept, added, ratings,
        null, "gpt-4o", Vocabulary.RatingUp, false, "e" + revision, T0.AddMinutes(revision), T0.AddMinutes(revision).AddHours(24));

    [Fact]
    public void An_extension_keeps_the_turns_before_it_adds_its_own_and_rates_them_all()
    {
        var content = ConversationContent.Fold([Captured(), Extended(2, 2, [new Turn("user", "More?"), new Turn("assistant", "Sure.", 1)], null, -1, null, 1),
            Extended(3, 3, [new Turn("assistant", "Sure, here.")], null, -1, null, 0)]);
        Assert.Equal(3, content.Revision);
        Assert.Equal(["Hello there", "Hi!", "More?", "Sure, here."], content.Turns.Select(t => t.Content));
        Assert.Equal([null, -1, null, 0], content.Turns.Select(t => t.Rating));
        Assert.Equal(Vocabulary.RatingUp, content.Rating);
        Assert.Equal(T0.AddMinutes(3), content.ChangedAt);
        Assert.Equal(Contributor, content.ContributorId);
    }

    [Fact]
    public void Erased_content_is_marked_so_that_it_is_never_published()
    {
        Assert.True(ConversationContent.Fold([Captured(erased: true)]).Erased);
        Assert.True(ConversationContent.Fold([Captured(), Revised(2) with { Erased = true }]).Erased);
        Assert.True(ConversationContent.Fold([Captured(), Extended(2, 2, [], null, null) with { Erased = true }]).Erased);
    }

    [Fact]
    public void Without_a_capture_there_is_nothing_to_publish()
    {
        Assert.False(ConversationContent.Fold([]).HasContent);
        Assert.False(ConversationContent.Fold([Rated(2, 1)]).HasContent);
    }

    [Fact]
    public void An_import_is_its_own_content()
    {
        var imported = new ConversationImported(Id, "lmsys-chat-1m", "u-1", "user-9", "vicuna-13b", [new Turn("user", "Hi")], null, "en", "false",
            false, Demographics.None, "2023-05-01", T0);
        var content = ConversationContent.Fold([imported]);
        Assert.True(content.Imported);
        Assert.Equal(1, content.Revision);
        Assert.Equal("user-9", content.UpstreamUser);
        Assert.Equal("en", content.Language);
        Assert.Equal("2023-05-01", content.UpstreamTimestamp);
    }

    [Fact]
    public void A_deletion_request_blanks_everything_and_counts_as_an_event()
    {
        var content = ConversationContent.Fold([Captured(), Rated(2, null, 1), new DeletionRequested(Id, Vocabulary.DeletedByContributor, null, T0.AddHours(1))]);
        Assert.Empty(content.Turns);
        Assert.False(content.HasContent);
        Assert.Equal(3, content.Version);
    }
}
