namespace ShareLM.Events;

/// <summary>One turn of a conversation. <paramref name="Rating"/> (-1, 0, +1) only ever sits on assistant turns.</summary>
public sealed record Turn(string Role, string Content, int? Rating = null)
{
    /// <summary>The turns with the ratings of a <see cref="ConversationRated"/> (or a rating request): turn i gets
    /// ratings[i], turns beyond the list none.</summary>
    public static IReadOnlyList<Turn> WithRatings(IReadOnlyList<Turn> turns, IReadOnlyList<int?> ratings) =>
        [.. turns.Select((t, i) => t with { Rating = i < ratings.Count ? ratings[i] : null })];
}
