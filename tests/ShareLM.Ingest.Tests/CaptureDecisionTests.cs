using ShareLM.Conversations;
using ShareLM.Events;
using ShareLM.Ingest.Capture;
using ShareLM.Ingest.Streams;
using static ShareLM.Ingest.Tests.DecisionTestData;

namespace ShareLM.Ingest.Tests;

public sealed class CaptureDecisionTests
{
    static NormalizedConversation Conversation(string text) =>
        ConversationRules.Normalize(new CaptureRequest("c", null, null, [new("user", text, null)], null, null)).Conversation!;

    [Fact]
    public void The_first_send_captures_and_holds_for_the_window()
    {
        var decision = CaptureDecisions.Capture(Id, Origin, Conversation("hello"))(null, Now);
        var captured = Assert.IsType<ConversationCaptured>(Assert.Single(Assert.IsType<Decision.Append>(decision).Events));
        Assert.Equal(Now.AddHours(24), captured.PublishAt);
        Assert.Equal("t1", captured.TermsVersion);
    }

    [Fact]
    public void An_identical_send_changes_nothing_and_a_changed_one_revises_and_restarts_the_hold()
    {
        var state = new ConversationState().Fold([((Decision.Append)CaptureDecisions.Capture(Id, Origin, Conversation("hello"))(null, Now)).Events[0]]);
        Assert.IsType<Decision.NoChange>(CaptureDecisions.Capture(Id, Origin, Conversation("hello"))(state, Now.AddMinutes(5)));
        var revised = Assert.IsType<ConversationRevised>(Assert.Single(Assert.IsType<Decision.Append>(
            CaptureDecisions.Capture(Id, Origin, Conversation("hello, more"))(state, Now.AddMinutes(5))).Events)); // its only turn changed
        Assert.Equal(2, revised.Revision);
        Assert.Equal(Now.AddMinutes(5).AddHours(24), revised.PublishAt);
    }

    [Fact]
    public void An_append_only_origin_may_add_turns_but_not_change_the_earlier_ones()
    {
        static NormalizedConversation Turns(params string[] texts) => ConversationRules.Normalize(new CaptureRequest("c", null, null,
            [.. texts.Select((t, i) => new CapturedMessage(i % 2 == 0 ? "user" : "assistant", t, null))], null, null)).Conversation!;
        var legacy = Origin with { AppendOnly = true };
        var state = new ConversationState().Fold([((Decision.Append)CaptureDecisions.Capture(Id, legacy, Turns("hi", "hello"))(null, Now)).Events[0]]);
        var refused = Assert.IsType<Decision.Refuse>(CaptureDecisions.Capture(Id, legacy, Turns("bye", "hello"))(state, Now));
        Assert.Equal(409, refused.Status);
        Assert.IsType<Decision.Refuse>(CaptureDecisions.Capture(Id, legacy, Turns("hi"))(state, Now)); // a turn removed
        Assert.IsType<ConversationExtended>(Assert.Single(Assert.IsType<Decision.Append>(
            CaptureDecisions.Capture(Id, legacy, Turns("hi", "hello", "more"))(state, Now)).Events));
        // The same change from a contributor with a token is a revision.
        Assert.IsType<ConversationRevised>(Assert.Single(Assert.IsType<Decision.Append>(CaptureDecisions.Capture(Id, Origin, Turns("bye", "hello"))(state, Now)).Events));
    }

    [Fact]
    public void A_deleted_conversation_stays_deleted()
    {
        var state = new ConversationState().Fold([
            ((Decision.Append)CaptureDecisions.Capture(Id, Origin, Conversation("hello"))(null, Now)).Events[0],
            new DeletionRequested(Id, Vocabulary.DeletedByContributor, null, Now)]);
        var refuse = Assert.IsType<Decision.Refuse>(CaptureDecisions.Capture(Id, Origin, Conversation("again"))(state, Now));
        Assert.Equal(410, refuse.Status);
        Assert.Equal(0, state.MessageCount);
    }

    static NormalizedConversation Turns(params (string Role, string Content, int? Rating)[] turns) =>
        ConversationRules.Normalize(new CaptureRequest("c", null, null, [.. turns.Select(t => new CapturedMessage(t.Role, t.Content, t.Rating))], null, null)).Conversation!;

    static IReadOnlyList<object> Decide(ConversationState? state, NormalizedConversation conversation) =>
        Assert.IsType<Decision.Append>(CaptureDecisions.Capture(Id, Origin, conversation)(state, Now)).Events;

    [Fact]
    public void A_send_that_keeps_the_first_turns_stores_only_what_follows_them_and_folds_back_to_the_whole()
    {
        var first = Turns(("user", "q1", null), ("assistant", "a1", null));
        var captured = (ConversationCaptured)Decide(null, first)[0];
        var state = new ConversationState().Fold([captured]);
        Assert.Equal(2, state.TurnHashes.Count);

        // Two turns more, and the first answer rated on the way.
        var grown = Turns(("user", "q1", null), ("assistant", "a1", 1), ("user", "q2", null), ("assistant", "a2", -1));
        var extended = Assert.IsType<ConversationExtended>(Assert.Single(Decide(state, grown)));
        Assert.Equal((2, 2), (extended.Revision, extended.KeptTurns));
        Assert.Equal(["q2", "a2"], extended.NewTurns.Select(t => t.Content));
        Assert.Equal([null, 1, null, -1], extended.TurnRatings);
        Assert.Equal(grown.ContentHash, extended.ContentHash);
        Assert.Equal(grown.Turns, extended.TurnsAfter(captured.Turns));
        var after = state.Fold([extended]);
        Assert.Equal(4, after.MessageCount);
        Assert.Equal(grown.TurnHashes, after.TurnHashes);

        // Folded from the stream, the contributor's view is the whole conversation.
        Assert.Equal(grown.Turns, ConversationContent.Fold([captured, extended]).Turns);

        // The last turn replaced: the first three are kept.
        var edited = Turns(("user", "q1", null), ("assistant", "a1", 1), ("user", "q2", null), ("assistant", "a2, better", null));
        var again = Assert.IsType<ConversationExtended>(Assert.Single(Decide(after, edited)));
        Assert.Equal(3, again.KeptTurns);
        Assert.Equal(edited.Turns, again.TurnsAfter(extended.TurnsAfter(captured.Turns)));

        // Shorter than before, same start: kept, nothing new.
        var shorter = Assert.IsType<ConversationExtended>(Assert.Single(Decide(after, Turns(("user", "q1", null)))));
        Assert.Equal((1, 0), (shorter.KeptTurns, shorter.NewTurns.Count));
        Assert.Equal([new Turn("user", "q1")], shorter.TurnsAfter(grown.Turns));
    }

    [Fact]
    public void A_send_with_another_first_turn_or_onto_a_state_without_turn_hashes_stores_the_whole_conversation()
    {
        var state = new ConversationState().Fold([Decide(null, Turns(("user", "q1", null)))[0]]);
        Assert.IsType<ConversationRevised>(Assert.Single(Decide(state, Turns(("user", "q0", null), ("user", "q1", null)))));
        // Written before turn hashes were kept: no way to tell what is kept.
        var old = state.Fold([]);
        old.TurnHashes = [];
        Assert.IsType<ConversationRevised>(Assert.Single(Decide(old, Turns(("user", "q1", null), ("user", "q2", null)))));
    }
}
