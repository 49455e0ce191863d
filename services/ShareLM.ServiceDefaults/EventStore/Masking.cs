using Marten;
using ShareLM.Events;

namespace ShareLM.ServiceDefaults.EventStore;

/// <summary>
/// Erasure rules for Marten's event data masking. Masking rewrites only event types that have a rule, so
/// every content-bearing type is listed here: the turns' text, the page URL, the demographics and the hash
/// of the content go; ids, times, model and ratings stay so the stream still tells its lifecycle.
/// </summary>
public static class Masking
{
    public const string ErasedText = "";

    public static void AddErasureRules(StoreOptions options)
    {
        options.Events.AddMaskingRuleForProtectedInformation<ConversationCaptured>(e => e with
        {
            Turns = Blank(e.Turns),
            PageUrl = null,
            Demographics = Demographics.None,
            ContentHash = ErasedText,
            TurnHashes = null,
            Erased = true,
        });
        options.Events.AddMaskingRuleForProtectedInformation<ConversationRevised>(e => e with
        {
            Turns = Blank(e.Turns),
            PageUrl = null,
            ContentHash = ErasedText,
            TurnHashes = null,
            Erased = true,
        });
        options.Events.AddMaskingRuleForProtectedInformation<ConversationExtended>(e => e with
        {
            NewTurns = Blank(e.NewTurns),
            PageUrl = null,
            ContentHash = ErasedText,
            NewTurnHashes = null,
            Erased = true,
        });
        options.Events.AddMaskingRuleForProtectedInformation<ConversationImported>(e => e with
        {
            Turns = Blank(e.Turns),
            Demographics = Demographics.None,
            UpstreamUser = null,
            Erased = true,
        });
        options.Events.AddMaskingRuleForProtectedInformation<ConversationRated>(e => e with { ContentHash = ErasedText });
    }

    // Roles and ratings stay (they are not content); every text goes.
    static IReadOnlyList<Turn> Blank(IReadOnlyList<Turn> turns) => [.. turns.Select(t => t with { Content = ErasedText })];

    public static IEnumerable<Type> ContentBearingEventTypes =>
        [typeof(ConversationCaptured), typeof(ConversationRevised), typeof(ConversationExtended), typeof(ConversationImported), typeof(ConversationRated)];
}
