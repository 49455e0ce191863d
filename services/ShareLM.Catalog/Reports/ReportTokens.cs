using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ShareLM.Catalog.Reports;

public enum ReportTokenCheck { Valid, Invalid, TooSoon, Expired }

/// <summary>
/// The report form's anti-spam token: when the form was served, for which conversation, and a random nonce, signed
/// with a key derived from the release secret. A report is taken only between a minimum age (people read before they
/// send) and a maximum one, for the conversation it was served for. The token carries its own time, so nothing is
/// stored to check it; it is single-use because the report's id is derived from its nonce
/// (<see cref="ReportIdOf"/>) and the event store refuses a second stream with that id.
/// </summary>
public sealed class ReportTokens(string secret, TimeProvider clock)
{
    const int NonceBytes = 12;
    readonly byte[] _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "sharelm-report-form"u8);

    public string Issue(Guid conversationId)
    {
        var at = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Base64Url(RandomNumberGenerator.GetBytes(NonceBytes));
        return $"{at}.{nonce}.{Mac($"{conversationId:N}.{at}.{nonce}")}";
    }

    public ReportTokenCheck Check(string? token, Guid conversationId, TimeSpan minimumAge, TimeSpan maximumAge)
    {
        if (token is null || token.Length > 100) return ReportTokenCheck.Invalid;
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var at))
            return ReportTokenCheck.Invalid;
        var expected = Encoding.ASCII.GetBytes(Mac($"{conversationId:N}.{parts[0]}.{parts[1]}"));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(parts[2]))) return ReportTokenCheck.Invalid;
        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(at);
        if (age < minimumAge) return ReportTokenCheck.TooSoon;
        return age > maximumAge ? ReportTokenCheck.Expired : ReportTokenCheck.Valid;
    }

    /// <summary>The id of the report a valid token sends: the same for every use of the token, unguessable without it.</summary>
    public Guid ReportIdOf(string token)
    {
        Span<byte> bytes = stackalloc byte[16];
        HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes("report-id." + token.Split('.')[1]))[..16].CopyTo(bytes);
        // An RFC 9562 version 8 (application-defined) UUID: Guid's byte order puts the version in byte 7.
        bytes[7] = (byte)(bytes[7] & 0x0F | 0x80);
        bytes[8] = (byte)(bytes[8] & 0x3F | 0x80);
        return new Guid(bytes);
    }

    string Mac(string signed) => Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signed)));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
