using System.Text;

namespace ShareLM.Benchmarks;

/// <summary>Realistic conversation text without identifiers: words from a fixed vocabulary, deterministic per seed.</summary>
public static class Corpus
{
    static readonly string[] Words =
    [
        "the", "model", "answer", "question", "explain", "please", "about", "between", "language", "difference", "example", "could",
        "write", "function", "python", "history", "because", "science", "energy", "would", "think", "people", "better", "simple",
        "describe", "system", "design", "review", "summary", "article", "reason", "problem", "solution", "learning", "network",
        "context", "memory", "performance", "database", "research", "dataset", "conversation", "student", "teacher", "recipe",
        "travel", "weather", "music", "poem", "story", "translate", "compare", "improve", "argument", "evidence", "result",
    ];

    public static string Text(Random random, int length)
    {
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            if (text.Length > 0) text.Append(' ');
            text.Append(Words[random.Next(Words.Length)]);
            if (random.Next(12) == 0) text.Append('.');
        }
        return text.ToString();
    }

    /// <summary>A conversation of 4–12 turns of 200–800 characters, user first.</summary>
    public static List<(string Role, string Content)> Conversation(Random random, int minTurns = 4, int maxTurns = 12, int minChars = 200, int maxChars = 800)
    {
        var turns = random.Next(minTurns, maxTurns + 1);
        return [.. Enumerable.Range(0, turns).Select(i => (i % 2 == 0 ? "user" : "assistant", Text(random, random.Next(minChars, maxChars + 1))))];
    }
}
