using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using ShareLM.Events;

namespace ShareLM.Ingest.Capture;

/// <summary>
/// A short hash of each turn's role and (redacted) text, carried by the capture and revision events into the write
/// model, so that a re-send can be told to keep the start of the conversation without the write model keeping any
/// text. Ratings are not hashed: they travel with every revision.
/// </summary>
public static class TurnHashes
{
    public static IReadOnlyList<string> Of(IReadOnlyList<Turn> turns)
    {
        var hashes = new string[turns.Count];
        Span<byte> hash = stackalloc byte[32];
        foreach (var (i, turn) in turns.Index())
        {
            // Role, NUL, text as UTF-8, encoded into a pooled buffer: every capture hashes every turn.
            var length = Encoding.UTF8.GetByteCount(turn.Role) + 1 + Encoding.UTF8.GetByteCount(turn.Content);
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var written = Encoding.UTF8.GetBytes(turn.Role, buffer);
                buffer[written++] = 0;
                written += Encoding.UTF8.GetBytes(turn.Content, buffer.AsSpan(written));
                SHA256.HashData(buffer.AsSpan(0, written), hash);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
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
