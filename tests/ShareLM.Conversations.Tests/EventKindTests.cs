using ShareLM.Events;

namespace ShareLM.Conversations.Tests;

/// <summary>
/// Every event type of the stream is known to every fold and to erasure, so that the next type added to the
/// events cannot be forgotten in one of them.
/// </summary>
public sealed class EventKindTests
{
    sealed class CollectedRules : IMaskingRules
    {
        public readonly Dictionary<Type, Func<object, object>> Rules = [];
        public void Add<T>(Func<T, T> rule) where T : class, ICarriesContent => Rules.Add(typeof(T), e => rule((T)e));
    }

    static Dictionary<Type, Func<object, object>> MaskingRules()
    {
        var rules = new CollectedRules();
        Masking.AddErasureRules(rules);
        return rules.Rules;
    }

    [Fact]
    public void Every_event_type_has_a_sample_here()
    {
        Assert.Equal(ConversationEvents.All, EventSamples.All.Select(e => e.GetType()).Distinct().OrderBy(t => t.Name, StringComparer.Ordinal));
        Assert.Equal(9, ConversationEvents.All.Count);
    }

    [Fact]
    public void Every_event_type_is_folded_by_the_write_model_and_the_content_fold()
    {
        foreach (var e in EventSamples.All)
        {
            var state = new ConversationState().Fold([e]);
            Assert.Equal(1, state.Version);
            Assert.Equal(1, ConversationContent.None.Apply(e).Version);
        }
        Assert.Throws<ArgumentException>(() => new ConversationState().Fold(["not an event"]));
        Assert.Throws<ArgumentException>(() => ConversationContent.None.Apply("not an event"));
    }

    [Fact]
    public void Exactly_the_events_that_carry_content_have_a_masking_rule()
    {
        var rules = MaskingRules();
        Assert.Equal(
            ConversationEvents.All.Where(t => typeof(ICarriesContent).IsAssignableFrom(t)).OrderBy(t => t.Name),
            rules.Keys.OrderBy(t => t.Name));
    }

    [Fact]
    public void Masking_leaves_no_text_hash_page_or_demographics_and_marks_the_event_erased()
    {
        var rules = MaskingRules();
        foreach (var e in EventSamples.All.OfType<ICarriesContent>())
        {
            var masked = (ICarriesContent)rules[e.GetType()](e);
            Assert.True(masked.Erased, e.GetType().Name);
            Assert.Equal(e.ConversationId, masked.ConversationId);
            if (masked is IRevision revision)
            {
                Assert.Equal(Masking.ErasedText, revision.ContentHash);
                Assert.All(revision.TurnsAfter([new Turn("user", Masking.ErasedText), new Turn("assistant", Masking.ErasedText)]),
                    t => Assert.Equal(Masking.ErasedText, t.Content));
            }
            if (masked is ITextRevision text)
            {
                Assert.Null(text.PageUrl);
                Assert.Empty(text.TurnHashesAfter([]));
            }
            if (masked is ConversationCaptured captured) Assert.Equal((Demographics.None, Masking.ErasedText), (captured.Demographics, captured.ClientConversationId));
            if (masked is ConversationImported imported)
            {
                Assert.Equal((Demographics.None, (string?)null), (imported.Demographics, imported.UpstreamUser));
                Assert.All(imported.Turns, t => Assert.Equal(Masking.ErasedText, t.Content));
            }
        }
    }

    [Fact]
    public void An_imports_id_made_from_a_hash_of_its_text_is_masked_and_an_upstream_datasets_own_id_kept()
    {
        var rules = MaskingRules();
        var sample = EventSamples.All.OfType<ConversationImported>().First();
        Assert.Equal(Masking.ErasedText, ((ConversationImported)rules[typeof(ConversationImported)](sample with { UpstreamId = Masking.HashedUpstreamPrefix + "ab12" })).UpstreamId);
        Assert.Equal("u-1", ((ConversationImported)rules[typeof(ConversationImported)](sample with { UpstreamId = "u-1" })).UpstreamId);
    }

    [Fact]
    public void A_deletion_with_the_account_unlinks_the_contributor_and_an_erasure_forgets_the_clients_id()
    {
        var captured = EventSamples.All.OfType<ConversationCaptured>().First();
        var state = new ConversationState().Fold([captured]);
        Assert.NotEqual(Guid.Empty, state.Fold([new DeletionRequested(captured.ConversationId, Vocabulary.DeletedByContributor, null, captured.CapturedAt)]).ContributorId);
        var deleting = state.Fold([new DeletionRequested(captured.ConversationId, Vocabulary.DeletedWithAccount, null, captured.CapturedAt)]);
        Assert.Equal(Guid.Empty, deleting.ContributorId);
        Assert.Equal("", deleting.Fold([new ConversationDeleted(captured.ConversationId, false, captured.CapturedAt)]).ClientConversationId);
    }

    [Fact]
    public void Each_revision_starts_the_hold_it_names_and_the_write_model_keeps_no_text()
    {
        var revisions = EventSamples.All.OfType<IRevision>().ToList();
        Assert.Equal([1, 2, 3, 4], revisions.Select(r => r.Revision));
        var state = new ConversationState();
        foreach (var r in revisions)
        {
            state = state.Fold([r]);
            Assert.Equal((r.Revision, r.PublishAt, r.OccurredAt, ConversationStatus.Held), (state.Revision, state.PublishAt, state.UpdatedAt, state.Status));
        }
        Assert.Equal(4, state.MessageCount);
        Assert.Equal(["c", "d", "e", "f"], state.TurnHashes);
        var content = ConversationContent.Fold(revisions);
        Assert.Equal(["Hello!", "Hi.", "More?", "Sure."], content.Turns.Select(t => t.Content));
        Assert.Equal([null, 1, null, 1], content.Turns.Select(t => t.Rating));
    }
}
