using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;

namespace ShareLM.Ingest.Redaction;

/// <summary>What a redaction found: the kind of identifier and where it was in the original text.</summary>
public sealed record RedactedSpan(string Kind, int Start, int Length);

public sealed record RedactionResult(string Text, IReadOnlyList<RedactedSpan> Spans)
{
    public bool Changed => Spans.Count > 0;
}

/// <summary>
/// Replaces personal identifiers with typed placeholders before anything is stored: e-mail addresses, phone
/// numbers, IPv4 and IPv6 addresses, MAC addresses, payment card numbers (Luhn-valid only) and IBANs
/// (mod-97-valid only). Pure and thread-safe. Candidates are found by pattern and then checked (checksums,
/// address parsing, context) so that version numbers, dates, ISBNs, order numbers and code stay untouched.
/// </summary>
public static partial class Redactor
{
    public const string Email = "EMAIL";
    public const string Phone = "PHONE";
    public const string IPv4 = "IPV4";
    public const string IPv6 = "IPV6";
    public const string Mac = "MAC";
    public const string CreditCard = "CREDIT_CARD";
    public const string Iban = "IBAN";

    public static string Placeholder(string kind) => $"[{kind}]";

    public static RedactionResult Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return new RedactionResult(text, []);
        var found = new List<RedactedSpan>();
        // Each pattern needs a character most prose lacks ('@', a digit, ':'); a vectorised search for it
        // spares the regular expression a pass over the text. The results are the same.
        var chars = text.AsSpan();
        var hasDigit = chars.ContainsAnyInRange('0', '9');
        // Runs shaped like an IBAN but failing its checksum are still account-number-like: no digit group
        // inside one is taken for a phone or card number.
        var ibanShaped = hasDigit ? IbanPattern().Matches(text).Select(m => (m.Index, End: m.Index + m.Length)).ToList() : [];
        bool InsideIbanShape(Match m) => ibanShaped.Any(r => m.Index < r.End && r.Index < m.Index + m.Length);
        if (chars.Contains('@')) Collect(found, text, EmailPattern(), Email, IsEmail);
        if (ibanShaped.Count > 0) Collect(found, text, IbanPattern(), Iban, IsIban);
        if (hasDigit) Collect(found, text, CardPattern(), CreditCard, (t, m) => !InsideIbanShape(m) && IsCard(t, m));
        if (MightHoldMac(chars)) Collect(found, text, MacPattern(), Mac, (_, _) => true);
        if (chars.Contains(':')) Collect(found, text, IPv6Candidate(), IPv6, IsIPv6);
        if (hasDigit) Collect(found, text, IPv4Pattern(), IPv4, IsIPv4);
        if (hasDigit) Collect(found, text, PhonePattern(), Phone, (t, m) => !InsideIbanShape(m) && IsPhone(t, m));
        if (found.Count == 0) return new RedactionResult(text, []);

        found.Sort((a, b) => a.Start.CompareTo(b.Start));
        var output = new StringBuilder(text.Length);
        var at = 0;
        foreach (var span in found)
        {
            output.Append(text, at, span.Start - at).Append(Placeholder(span.Kind));
            at = span.Start + span.Length;
        }
        output.Append(text, at, text.Length - at);
        return new RedactionResult(output.ToString(), found);
    }

    /// <summary>
    /// Whether a MAC address could start here: a ':' or '-' between two hex digit pairs, or a '.' between two
    /// groups of four hex digits. Every match of <see cref="MacPattern"/> has one, and prose seldom does.
    /// </summary>
    static bool MightHoldMac(ReadOnlySpan<char> text)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var found = text[offset..].IndexOfAny(':', '-', '.');
            if (found < 0) return false;
            var i = offset + found;
            var half = text[i] == '.' ? 4 : 2;
            if (i >= half && i + half < text.Length && IsHex(text.Slice(i - half, half)) && IsHex(text.Slice(i + 1, half))) return true;
            offset = i + 1;
        }
        return false;
    }

    static bool IsHex(ReadOnlySpan<char> chars) => !chars.ContainsAnyExcept(HexDigits);

    static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>Adds the matches of <paramref name="pattern"/> that pass <paramref name="accept"/> and overlap nothing found before.</summary>
    static void Collect(List<RedactedSpan> found, string text, Regex pattern, string kind, Func<string, Match, bool> accept)
    {
        foreach (Match match in pattern.Matches(text))
        {
            if (!accept(text, match)) continue;
            var start = match.Index;
            var end = match.Index + match.Length;
            if (found.Any(f => start < f.Start + f.Length && f.Start < end)) continue;
            found.Add(new RedactedSpan(kind, start, match.Length));
        }
    }

    static readonly HashSet<string> FileExtensions = new(StringComparer.OrdinalIgnoreCase) { "png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico" };

    static bool IsEmail(string text, Match m)
    {
        var tld = m.Value[(m.Value.LastIndexOf('.') + 1)..];
        return !FileExtensions.Contains(tld); // icon@2x.png is an asset name, not an address
    }

    static bool IsIban(string text, Match m)
    {
        var iban = m.Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (iban.Length is < 15 or > 34) return false;
        var rearranged = iban[4..] + iban[..4];
        var digits = new StringBuilder(rearranged.Length * 2);
        foreach (var c in rearranged)
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (char.IsAsciiLetterUpper(c)) digits.Append((c - 'A' + 10).ToString(CultureInfo.InvariantCulture));
            else return false;
        }
        return BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture) % 97 == 1;
    }

    static bool IsCard(string text, Match m)
    {
        var digits = new string(m.Value.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length is < 13 or > 19) return false;
        if (digits.Distinct().Count() == 1) return false; // 0000 0000 0000 0000 passes Luhn but is a placeholder
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    static bool IsIPv6(string text, Match m)
    {
        var value = m.Value;
        if (value.Count(c => c == ':') < 2) return false;
        // At least three groups holding a hex digit: rules out "::" and C++ scopes.
        if (value.Split(':').Count(g => g.Length > 0) < 3 && !value.Contains("::", StringComparison.Ordinal)) return false;
        if (value.Split(':').Count(g => g.Length > 0) < 2) return false;
        return IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    static bool IsIPv4(string text, Match m)
    {
        var before = m.Index > 0 ? text[m.Index - 1] : ' ';
        if (before is 'v' or 'V') return false; // v1.2.3.4 is a version
        var preceding = text[Math.Max(0, m.Index - 12)..m.Index];
        if (VersionWord().IsMatch(preceding)) return false;
        return true;
    }

    static bool IsPhone(string text, Match m)
    {
        var digits = m.Value.Count(char.IsAsciiDigit);
        if (digits is < 7 or > 15) return false;
        var preceding = text[Math.Max(0, m.Index - 16)..m.Index];
        if (NotAPhoneContext().IsMatch(preceding)) return false;
        return true;
    }

    [GeneratedRegex(@"(?<![\w.%+'-])[A-Za-z0-9][A-Za-z0-9._%+'-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex IbanPattern();

    [GeneratedRegex(@"(?<![\d.,-])\d(?:[ -]?\d){12,18}(?![\d.,]\d|\d)", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"(?<![0-9A-Fa-f:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Fa-f:.-])", RegexOptions.CultureInvariant)]
    private static partial Regex MacPattern();

    [GeneratedRegex(@"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:%[0-9A-Za-z]+)?(?![\w:.])", RegexOptions.CultureInvariant)]
    private static partial Regex IPv6Candidate();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)", RegexOptions.CultureInvariant)]
    private static partial Regex IPv4Pattern();

    [GeneratedRegex(@"(?:(?<![\w+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,5}(?:[ .-]\d{2,8}){1,4}|(?<![\w(])\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|(?<![\w.-])\d{3}[.-]\d{3}[.-]\d{4}|(?<![\w.-])\d{3} \d{3} \d{4}|(?<![\w.-])0\d{1,4}[ -]\d{3,4}[ -]\d{3,4})(?![\w-]|\.\d)", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"(?i)\b(version|release|build|ver\.?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionWord();

    [GeneratedRegex(@"(?i)(isbn(-1[03])?:?|order|invoice|ticket|ref(erence)?|#|no\.)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex NotAPhoneContext();
}
