using System.Security.Cryptography;
using System.Text;

namespace ShareLM.Conversations;

/// <summary>
/// Stream ids. A contributed conversation's id is a UUIDv5 of (contributor id, client conversation id), so
/// the extension can re-send a growing conversation to the same stream; an imported one's is a UUIDv5 of
/// (source, upstream id or content hash), so a second import of the same rows adds nothing.
/// </summary>
public static class ConversationIds
{
    static readonly Guid LegacyContributors = new("6f1d7a4e-2c0b-5b8e-9a51-3c7d2e40b9a1");
    static readonly Guid ImportSources = new("b3e8f0a2-5d71-5c49-8f06-1a2b9c4d7e65");

    public static Guid ForContribution(Guid contributorId, string clientConversationId) =>
        Uuid5(contributorId, clientConversationId);

    /// <summary>The contributor behind an upload from the original extension, keyed by its per-browser user_id.</summary>
    public static Guid ForLegacyContributor(string legacyUserId) => Uuid5(LegacyContributors, legacyUserId);

    public static Guid ForImport(string source, string upstreamIdOrHash) => Uuid5(Uuid5(ImportSources, source), upstreamIdOrHash);

    /// <summary>RFC 4122 §4.3 name-based UUID with SHA-1 (version 5).</summary>
    public static Guid Uuid5(Guid @namespace, string name)
    {
        Span<byte> ns = stackalloc byte[16];
        @namespace.TryWriteBytes(ns, bigEndian: true, out _);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        ns.CopyTo(input);
        nameBytes.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
