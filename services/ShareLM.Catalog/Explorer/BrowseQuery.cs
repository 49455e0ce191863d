using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace ShareLM.Catalog.Explorer;

/// <summary>
/// What a browse page shows: the filters (each one a query parameter, so every combination is a shareable URL) and
/// the cursor the page starts below. Parsed leniently where a person typed (blank means "any"), strictly where a
/// value can only be wrong (a date, a cursor): <see cref="Errors"/> says what was refused.
/// </summary>
public sealed record BrowseQuery
{
    public const int MaxSearchLength = 200;
    public const int MaxValueLength = 200;
    public static readonly string[] Ratings = ["thumbup", "thumbdown", "unrated"];

    public string? Search { get; init; }
    public string? Model { get; init; }
    public string? Source { get; init; }
    public string? Language { get; init; }
    public string? Rating { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
    /// <summary>Show records below this feed cursor (the next page's start).</summary>
    public long? Before { get; init; }
    public IReadOnlyList<string> Errors { get; init; } = [];

    public bool Filtered => Search is not null || Model is not null || Source is not null || Language is not null || Rating is not null
        || From is not null || To is not null;

    public static BrowseQuery Parse(IQueryCollection query)
    {
        var errors = new List<string>();
        string? Text(string name, int max)
        {
            var value = query[name].ToString().Trim();
            if (value.Length == 0) return null;
            if (value.Length > max) { errors.Add($"{name} is longer than {max} characters."); return null; }
            return value;
        }
        DateOnly? Date(string name)
        {
            var value = query[name].ToString().Trim();
            if (value.Length == 0) return null;
            if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
            errors.Add($"{name} must be a date written as YYYY-MM-DD.");
            return null;
        }
        var rating = Text("rating", 20);
        if (rating is not null && !Ratings.Contains(rating)) { errors.Add($"rating must be one of {string.Join(", ", Ratings)}."); rating = null; }
        long? before = null;
        var beforeText = query["before"].ToString();
        if (beforeText.Length > 0)
        {
            if (long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) && cursor > 0) before = cursor;
            else errors.Add("before must be a feed cursor (a positive whole number).");
        }
        var result = new BrowseQuery
        {
            Search = Text("q", MaxSearchLength),
            Model = Text("model", MaxValueLength),
            Source = Text("source", MaxValueLength),
            Language = Text("language", 20),
            Rating = rating,
            From = Date("from"),
            To = Date("to"),
            Before = before,
        };
        if (result.From is { } from && result.To is { } to && from > to) errors.Add("from must not be after to.");
        return result with { Errors = errors };
    }

    /// <summary>This query's URL, with <paramref name="before"/> as its cursor (null: the first page).</summary>
    public string Url(long? before)
    {
        var parameters = new Dictionary<string, string?>();
        void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) parameters[name] = value; }
        Add("q", Search);
        Add("model", Model);
        Add("source", Source);
        Add("language", Language);
        Add("rating", Rating);
        Add("from", From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("to", To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add("before", before?.ToString(CultureInfo.InvariantCulture));
        return QueryHelpers.AddQueryString("/conversations", parameters);
    }
}
