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
/// it: the turns' text, the page URL, the demographics, upstream user names and the hashes of the content go;
/// ids, times, model and ratings stay, so the stream still tells its lifecycle.
/// </summary>
public static class Masking
{
    public const string ErasedText = "";

    public static void AddErasureRules(IMaskingRules rules)
    {
        rules.Add<ConversationCaptured>(e => e with
        {
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
            Erased = true,
        });
        rules.Add<ConversationRated>(e => e with { ContentHash = ErasedText, Erased = true });
    }

    // Roles and ratings stay (they are not content); every text goes.
    static IReadOnlyList<Turn> Blank(IReadOnlyList<Turn> turns) => [.. turns.Select(t => t with { Content = ErasedText })];
}
