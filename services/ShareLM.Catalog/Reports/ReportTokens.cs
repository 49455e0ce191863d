using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ShareLM.Catalog.Reports;

public enum ReportTokenCheck { Valid, Invalid, TooSoon, Expired }

/// <summary>
/// The report form's anti-spam token: when the form was served and for which conversation, signed with a key derived
/// from the release secret. A report is taken only between a minimum age (people read before they send) and a maximum
/// one, for the conversation it was served for. Nothing is stored: the token carries its own time.
/// </summary>
public sealed class ReportTokens(string secret, TimeProvider clock)
{
    readonly byte[] _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), "sharelm-report-form"u8);

    public string Issue(Guid conversationId)
    {
        var at = clock.GetUtcNow().ToUnixTimeSeconds();
        return $"{at.ToString(CultureInfo.InvariantCulture)}.{Mac(conversationId, at)}";
    }

    public ReportTokenCheck Check(string? token, Guid conversationId, TimeSpan minimumAge, TimeSpan maximumAge)
    {
        if (token is null || token.Length > 100) return ReportTokenCheck.Invalid;
        var dot = token.IndexOf('.');
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var at)) return ReportTokenCheck.Invalid;
        var expected = Encoding.ASCII.GetBytes(Mac(conversationId, at));
        var given = Encoding.ASCII.GetBytes(token[(dot + 1)..]);
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return ReportTokenCheck.Invalid;
        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(at);
        if (age < minimumAge) return ReportTokenCheck.TooSoon;
        return age > maximumAge ? ReportTokenCheck.Expired : ReportTokenCheck.Valid;
    }

    string Mac(Guid conversationId, long at) =>
        Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes($"{conversationId:N}.{at}")))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
