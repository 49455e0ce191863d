using ShareLM.Events;
using ShareLM.Ingest.Capture;
using ShareLM.Ingest.Streams;
using ShareLM.ServiceDefaults.EventStore;
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
            CaptureDecisions.Capture(Id, Origin, Conversation("hello, more"))(state, Now.AddMinutes(5))).Events));
        Assert.Equal(2, revised.Revision);
        Assert.Equal(Now.AddMinutes(5).AddHours(24), revised.PublishAt);
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
}
