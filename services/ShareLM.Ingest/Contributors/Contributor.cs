using System.Security.Cryptography;
using ShareLM.Events;

namespace ShareLM.Ingest.Contributors;

/// <summary>
/// A registered contributor: consent (terms version, confirmed 18+), optional demographics, and the SHA-256
/// of their bearer token, never the token. Deleted outright when the contributor deletes their account.
/// </summary>
public sealed class Contributor
{
    public Guid Id { get; set; }
    public string TokenHash { get; set; } = "";
    public string TermsVersion { get; set; } = "";
    public Demographics Demographics { get; set; } = Demographics.None;
    public DateTimeOffset RegisteredAt { get; set; }
    public DateTimeOffset TokenIssuedAt { get; set; }

    /// <summary>Set when the account's deletion began: the token no longer works and no new conversation is created.</summary>
    public DateTimeOffset? DeletingSince { get; set; }
}

/// <summary>Bearer tokens: 256 random bits, shown once; stored as SHA-256 (random input needs no slow KDF).</summary>
public static class Tokens
{
    public const string Prefix = "slm_";

    public static string Issue() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
