using System.Security.Cryptography;
using System.Text;

namespace ShareLM.Catalog.Pseudonyms;

/// <summary>
/// The public <c>user_id</c>: HMAC-SHA256 of the contributor id under the release secret. Stable within a
/// release (same secret), unlinkable to the contributor id without it; changing the secret makes a new release.
/// </summary>
public sealed class Pseudonymizer
{
    readonly byte[] _key;

    public Pseudonymizer(string releaseSecret)
    {
        if (string.IsNullOrEmpty(releaseSecret)) throw new ArgumentException("A release secret is required.", nameof(releaseSecret));
        _key = Encoding.UTF8.GetBytes(releaseSecret);
    }

    public string For(Guid contributorId) => Hash("contributor:" + contributorId.ToString("D"));

    /// <summary>For imported rows that name an upstream user: keyed too, so upstream ids are not republished.</summary>
    public string ForUpstream(string source, string upstreamUser) => Hash($"upstream:{source}:{upstreamUser}");

    string Hash(string value) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value)))[..32];
}
