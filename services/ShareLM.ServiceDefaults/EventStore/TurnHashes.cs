using System.Security.Cryptography;
using System.Text;
using ShareLM.Events;

namespace ShareLM.ServiceDefaults.EventStore;

/// <summary>
/// A short hash of each turn's role and (redacted) text, kept in the write model so that a re-send can be told
/// to keep the start of the conversation without the write model keeping any text. Ratings are not hashed: they
/// travel with every revision.
/// </summary>
public static class TurnHashes
{
    public static IReadOnlyList<string> Of(IReadOnlyList<Turn> turns)
    {
        var hashes = new string[turns.Count];
        Span<byte> hash = stackalloc byte[32];
        for (var i = 0; i < turns.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(turns[i].Role + "\0" + turns[i].Content);
            SHA256.HashData(bytes, hash);
            hashes[i] = Convert.ToHexStringLower(hash[..8]);
        }
        return hashes;
    }

    /// <summary>How many turns at the start of both lists are the same.</summary>
    public static int CommonPrefix(IReadOnlyList<string> previous, IReadOnlyList<string> next)
    {
        var n = Math.Min(previous.Count, next.Count);
        var i = 0;
        while (i < n && previous[i] == next[i]) i++;
        return i;
    }
}
