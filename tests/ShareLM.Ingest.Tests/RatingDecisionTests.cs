using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Capture;
using ShareLM.Ingest.Ratings;
using ShareLM.Ingest.Streams;
using static ShareLM.Ingest.Tests.DecisionTestData;

namespace ShareLM.Ingest.Tests;

/// <summary>The write model keeps no text: ratings are decided on content folded from the stream.</summary>
public sealed class RatingDecisionTests
{
    static readonly HoldOptions Hold = new();

    static ConversationCaptured Captured() =>
        (ConversationCaptured)((Decision.Append)CaptureDecisions.Capture(Id, Origin, ConversationRules.Normalize(new CaptureRequest("c", null, null,
            [new("user", "question", null), new("assistant", "answer", null), new("user", "another", null), new("assistant", "more", null)],
            null, null)).Conversation!)(null, Now)).Events[0];

    [Fact]
    public void Content_takes_the_latest_text_with_its_ratings_and_is_blank_after_a_deletion_request()
    {
        var captured = Captured();
        var rated = new ConversationRated(Id, 2, "up", [null, 1, null, -1], "h", Now, Now.AddHours(24));
        var content = ConversationContent.Fold([captured, rated]);
        Assert.Equal(2, content.Version);
        Assert.Equal(["question", "answer", "another", "more"], content.Turns.Select(t => t.Content));
        Assert.Equal([null, 1, null, -1], content.Turns.Select(t => t.Rating));

        var deleted = ConversationContent.Fold([captured, rated, new DeletionRequested(Id, Vocabulary.DeletedByContributor, null, Now)]);
        Assert.Empty(deleted.Turns);
    }

    [Fact]
    public void A_rating_hashes_the_text_from_the_stream_exactly_as_a_capture_with_those_ratings_would()
    {
        var captured = Captured();
        var state = new ConversationState().Fold([captured]);
        var content = ConversationContent.Fold([captured]);
        var request = new RateConversation("down", [new TurnRating(1, -1), new TurnRating(3, 1)]);

        var append = Assert.IsType<Decision.Append>(RatingEndpoint.Rate(Origin.ContributorId, request, Hold, content)(state, Now.AddMinutes(1)));
        var rated = Assert.IsType<ConversationRated>(Assert.Single(append.Events));
        Assert.Equal([null, -1, null, 1], rated.TurnRatings);
        var expected = ContentHash.Of(null, captured.Model,
            [.. captured.Turns.Select((t, i) => t with { Rating = i == 1 ? -1 : i == 3 ? 1 : null })], "down");
        Assert.Equal(expected, rated.ContentHash);

        // The same ratings again change nothing.
        var after = state.Fold([rated]);
        var contentAfter = ConversationContent.Fold([captured, rated]);
        Assert.IsType<Decision.NoChange>(RatingEndpoint.Rate(Origin.ContributorId, request, Hold, contentAfter)(after, Now.AddMinutes(2)));
    }

    [Fact]
    public void A_rating_decided_on_content_older_than_the_stream_is_refused_as_stale_and_a_user_turn_cannot_be_rated()
    {
        var captured = Captured();
        var state = new ConversationState().Fold([captured]);
        var request = new RateConversation("up", [new TurnRating(1, 1)]);

        var stale = Assert.IsType<Decision.Refuse>(RatingEndpoint.Rate(Origin.ContributorId, request, Hold, ConversationContent.None)(state, Now));
        Assert.Equal(409, stale.Status);

        var userTurn = new RateConversation("up", [new TurnRating(0, 1)]);
        var refused = Assert.IsType<Decision.Refuse>(RatingEndpoint.Rate(Origin.ContributorId, userTurn, Hold, ConversationContent.Fold([captured]))(state, Now));
        Assert.Equal(400, refused.Status);
        Assert.Equal("messages[0].index", refused.Field);
    }
}
