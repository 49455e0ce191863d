using ShareLM.Events;

namespace ShareLM.Conversations;

/// <summary>Where masking rules go: the event store's erasure registry, or a test that lists them.</summary>
public interface IMaskingRules
{
    void Add<T>(Func<T, T> rule) where T : class, ICarriesContent;
}

/// <summary>
/// Erasure rules for the event store's masking. Masking rewrites only event types that have a rule, so every
/// event that carries content (<see cref="ICarriesContent"/>) has one here, and a test holds every such type to
/// it: the turns' text, the page URL, the demographics, the client's own conversation id (a platform's id for
/// the chat), upstream user names, an import's id where it is a hash of the text (it confirms a guessed text) and
/// the hashes of the content go; our ids, times, model and ratings stay, so the stream still tells its lifecycle.
/// The events' metadata (correlation id, trace headers) and, with an account, the contributor id are cleared by
/// the erasure itself (Retention's ConversationEraser): masking rules see only an event's data.
/// </summary>
public static class Masking
{
    public const string ErasedText = "";

    /// <summary>An import's id made from a hash of its text, where the upstream dataset has no id of its own.</summary>
    public const string HashedUpstreamPrefix = "sha256:";

    public static void AddErasureRules(IMaskingRules rules)
    {
        rules.Add<ConversationCaptured>(e => e with
        {
            ClientConversationId = ErasedText,
            Turns = Blank(e.Turns),
            PageUrl = null,
            Demographics = Demographics.None,
            ContentHash = ErasedText,
            TurnHashes = null,
            Erased = true,
        });
        rules.Add<ConversationRevised>(e => e with
        {
            Turns = Blank(e.Turns),
            PageUrl = null,
            ContentHash = ErasedText,
            TurnHashes = null,
            Erased = true,
        });
        rules.Add<ConversationExtended>(e => e with
        {
            NewTurns = Blank(e.NewTurns),
            PageUrl = null,
            ContentHash = ErasedText,
            NewTurnHashes = null,
            Erased = true,
        });
        rules.Add<ConversationImported>(e => e with
        {
            Turns = Blank(e.Turns),
            Demographics = Demographics.None,
            UpstreamUser = null,
            UpstreamId = e.UpstreamId.StartsWith(HashedUpstreamPrefix, StringComparison.Ordinal) ? ErasedText : e.UpstreamId,
            Erased = true,
        });
        rules.Add<ConversationRated>(e => e with { ContentHash = ErasedText, Erased = true });
    }

    // Roles and ratings stay (they are not content); every text goes.
    static IReadOnlyList<Turn> Blank(IReadOnlyList<Turn> turns) => [.. turns.Select(t => t with { Content = ErasedText })];
}
