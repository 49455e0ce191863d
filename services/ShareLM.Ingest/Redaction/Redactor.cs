using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using ShareLM.Events;

namespace ShareLM.Ingest.Redaction;

/// <summary>What a redaction found: the kind of identifier and where it was in the original text.</summary>
public sealed record RedactedSpan(string Kind, int Start, int Length);

public sealed record RedactionResult(string Text, IReadOnlyList<RedactedSpan> Spans)
{
    public bool Changed => Spans.Count > 0;
}

/// <summary>
/// Replaces personal identifiers and secrets with typed placeholders before anything is stored: e-mail addresses,
/// phone numbers, US social security numbers, IPv4 and IPv6 addresses, MAC addresses, payment card numbers
/// (Luhn-valid only), IBANs (a known country's length and mod-97-valid only), and secrets (API keys of a known
/// shape, JWTs, private keys, passwords in assignments, a URL's user and password). Pure and thread-safe.
/// <para>
/// Matching runs on a normalised view of the text (<see cref="MatchingView"/>: NFKC, zero-width characters
/// removed, every kind of space and dash made plain), so full-width digits, a non-breaking space or a zero-width
/// joiner inside an address do not hide it; the text kept where nothing matched is the original.
/// </para>
/// <para>
/// Linear in the text: every pattern is bounded (no unbounded repetition can backtrack across the input), and a
/// candidate is checked against what was found before in a mask of the positions taken, not against every
/// earlier match.
/// </para>
/// </summary>
public static partial class Redactor
{
    public const string Email = Vocabulary.Redacted.Email;
    public const string Phone = Vocabulary.Redacted.Phone;
    public const string Ssn = Vocabulary.Redacted.Ssn;
    public const string IPv4 = Vocabulary.Redacted.IPv4;
    public const string IPv6 = Vocabulary.Redacted.IPv6;
    public const string Mac = Vocabulary.Redacted.Mac;
    public const string CreditCard = Vocabulary.Redacted.CreditCard;
    public const string Iban = Vocabulary.Redacted.Iban;
    public const string Secret = Vocabulary.Redacted.Secret;

    public static IReadOnlyList<string> Kinds => Vocabulary.Redacted.Kinds;

    static readonly Dictionary<string, string> Placeholders = Kinds.ToDictionary(k => k, k => $"[{k}]");

    public static string Placeholder(string kind) => Placeholders.TryGetValue(kind, out var placeholder) ? placeholder : $"[{kind}]";

    public static RedactionResult Redact(string text)
    {
        if (string.IsNullOrEmpty(text)) return new RedactionResult(text, []);
        var view = MatchingView.Of(text);
        var s = view.Text;
        var found = new Found(s.Length);
        var chars = s.AsSpan();
        var hasDigit = chars.ContainsAnyInRange('0', '9');

        // Secrets first: a key holds runs that would otherwise pass for a phone number or an IBAN.
        if (chars.Contains('-') && chars.IndexOf("-----BEGIN", StringComparison.Ordinal) >= 0) PrivateKeys(found, s);
        Collect(found, s, KeyPattern(), Secret, static (_, _, _) => true);
        if (chars.Contains('=') || chars.Contains(':'))
            Collect(found, s, AssignedSecretPattern(), Secret, static (t, start, length) => IsSecretValue(t.AsSpan(start, length)));
        if (chars.Contains('@') && chars.Contains("://", StringComparison.Ordinal))
            Collect(found, s, UrlCredentialsPattern(), Secret, static (_, _, _) => true);
        if (chars.Contains('@')) Collect(found, s, EmailPattern(), Email, IsEmail);

        // Runs shaped like an IBAN but failing its checks are still account-number-like: no digit group inside
        // one is taken for a phone or card number.
        var ibanShaped = hasDigit ? new Found(s.Length) : null;
        if (ibanShaped is not null)
        {
            foreach (var m in IbanPattern().EnumerateMatches(s))
            {
                if (IbanCandidate(s, m.Index, m.Length) is not { } length) continue;
                ibanShaped.Take(Iban, m.Index, length);
                if (IsIban(s.AsSpan(m.Index, length))) found.TryTake(Iban, m.Index, length);
            }
        }
        bool OutsideIbanShape(int start, int length) => ibanShaped is null || !ibanShaped.Overlaps(start, length);
        if (hasDigit) Collect(found, s, CardPattern(), CreditCard, (t, start, length) => OutsideIbanShape(start, length) && IsCard(t.AsSpan(start, length)));
        if (hasDigit && chars.Contains('-')) Collect(found, s, SsnPattern(), Ssn, IsSsn);
        if (MightHoldMac(chars)) Collect(found, s, MacPattern(), Mac, static (_, _, _) => true);
        if (chars.Contains(':')) Collect(found, s, IPv6Candidate(), IPv6, IsIPv6);
        if (hasDigit) Collect(found, s, IPv4Pattern(), IPv4, IsIPv4);
        if (hasDigit) Collect(found, s, PhonePattern(), Phone, (t, start, length) => OutsideIbanShape(start, length) && IsPhone(t, start, length));
        if (found.Spans.Count == 0) return new RedactionResult(text, []);

        found.Spans.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var output = new StringBuilder(text.Length);
        var spans = new List<RedactedSpan>(found.Spans.Count);
        var at = 0;
        foreach (var span in found.Spans)
        {
            var (start, length) = view.ToOriginal(span.Start, span.Start + span.Length);
            if (start < at) continue; // two matches in one original character (a ligature): the first covers it
            output.Append(text, at, start - at).Append(Placeholder(span.Kind));
            spans.Add(new RedactedSpan(span.Kind, start, length));
            at = start + length;
        }
        output.Append(text, at, text.Length - at);
        return new RedactionResult(output.ToString(), spans);
    }

    /// <summary>What was found so far, and a mask of the positions it covers (an overlap check costs the candidate's length).</summary>
    sealed class Found(int length)
    {
        readonly byte[] _taken = new byte[length];
        public List<(string Kind, int Start, int Length)> Spans { get; } = [];

        public bool Overlaps(int start, int length) => _taken.AsSpan(start, length).Contains((byte)1);

        public void Take(string kind, int start, int length)
        {
            _taken.AsSpan(start, length).Fill(1);
            Spans.Add((kind, start, length));
        }

        public bool TryTake(string kind, int start, int length)
        {
            if (length == 0 || Overlaps(start, length)) return false;
            Take(kind, start, length);
            return true;
        }
    }

    delegate bool Accept(string text, int start, int length);

    /// <summary>Adds the matches of <paramref name="pattern"/> that pass <paramref name="accept"/> and overlap nothing found before.</summary>
    static void Collect(Found found, string text, Regex pattern, string kind, Accept accept)
    {
        foreach (var m in pattern.EnumerateMatches(text))
        {
            if (!found.Overlaps(m.Index, m.Length) && accept(text, m.Index, m.Length)) found.Take(kind, m.Index, m.Length);
        }
    }

    /// <summary>
    /// PEM private keys, from BEGIN to END (or to the end of the base64 block when the END line is missing). Found by
    /// searching rather than by a pattern, so a thousand BEGIN lines without an END cost one search each.
    /// </summary>
    static void PrivateKeys(Found found, string text)
    {
        var from = 0;
        while (from < text.Length)
        {
            var begin = text.IndexOf("-----BEGIN", from, StringComparison.Ordinal);
            if (begin < 0) return;
            var headerEnd = text.IndexOf("-----", begin + 10, StringComparison.Ordinal);
            if (headerEnd < 0 || headerEnd - begin > 60 || !text.AsSpan(begin, headerEnd - begin).EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                from = begin + 10;
                continue;
            }
            var end = text.IndexOf("-----END", headerEnd + 5, StringComparison.Ordinal);
            int stop;
            if (end >= 0)
            {
                var close = text.IndexOf("-----", end + 8, StringComparison.Ordinal);
                stop = close >= 0 ? close + 5 : text.Length;
            }
            else
            {
                stop = headerEnd + 5;
                while (stop < text.Length && (char.IsAsciiLetterOrDigit(text[stop]) || text[stop] is '+' or '/' or '=' or '\n' or '\r' or ' ' or ':' or ',' or '-')) stop++;
            }
            found.TryTake(Secret, begin, stop - begin);
            from = stop;
        }
    }

    /// <summary>A value after "password=" that is a value, not code or a placeholder ("password = input()", "&lt;your password&gt;").</summary>
    static bool IsSecretValue(ReadOnlySpan<char> value)
    {
        if (value.Length < 4) return false;
        if (value[0] is '$' or '<' or '{' or '%' or '*' or '[' or '(') return false;
        if (value.ContainsAny('(', ')') || value.ContainsAny('[', ']')) return false;
        if (DottedIdentifier().IsMatch(value)) return false; // config.password, process.env.PW: code, not a value
        foreach (var placeholder in (ReadOnlySpan<string>)["None", "null", "nil", "true", "false", "undefined", "required", "optional", "string", "empty", "xxxx", "****", "hidden", "secret"])
        {
            if (value.Equals(placeholder, StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
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

    static bool IsEmail(string text, int start, int length)
    {
        var value = text.AsSpan(start, length);
        var tld = value[(value.LastIndexOf('.') + 1)..];
        // icon@2x.png is an asset name, not an address. (react@18.2.0 never gets here: a TLD has letters.)
        foreach (var extension in (ReadOnlySpan<string>)["png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico"])
        {
            if (tld.Equals(extension, StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    /// <summary>Each IBAN country's length (ISO 13616 registry), so "PRODUCTCODE12…" shapes are not taken for one.</summary>
    static readonly Dictionary<string, int> IbanLengths = new()
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22, ["BH"] = 22,
        ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18, ["DO"] = 28,
        ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23,
        ["GL"] = 18, ["GR"] = 27, ["GT"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26,
        ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20,
        ["LV"] = 21, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18,
        ["NO"] = 15, ["PK"] = 24, ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24,
        ["SC"] = 31, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["ST"] = 25, ["SV"] = 28, ["TL"] = 23, ["TN"] = 24,
        ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
    };

    /// <summary>
    /// The length of the IBAN-shaped run at <paramref name="start"/>: as many letters and digits as its country's
    /// IBANs have, with their separators (the pattern, taking lower case and separators, can run on into the next
    /// words); null when the country has no IBAN or the run is shorter or runs on without a break.
    /// </summary>
    static int? IbanCandidate(string text, int start, int matched)
    {
        if (!IbanLengths.TryGetValue(text.Substring(start, 2).ToUpperInvariant(), out var expected)) return null;
        var count = 0;
        for (var i = start; i < start + matched; i++)
        {
            if (!char.IsAsciiLetterOrDigit(text[i])) continue;
            if (++count < expected) continue;
            var end = i + 1;
            return end < text.Length && char.IsLetterOrDigit(text[end]) ? null : end - start;
        }
        return null;
    }

    static bool IsIban(ReadOnlySpan<char> value)
    {
        Span<char> iban = stackalloc char[value.Length];
        var n = 0;
        foreach (var c in value)
        {
            if (c is ' ' or '-' or '.') continue;
            iban[n++] = char.ToUpperInvariant(c);
        }
        iban = iban[..n];
        if (!IbanLengths.TryGetValue(iban[..2].ToString(), out var expected) || n != expected) return false;
        // mod 97 of the number made by moving the first four characters to the end, letters as 10..35, digit by digit.
        var remainder = 0;
        for (var i = 0; i < n; i++)
        {
            var c = iban[(i + 4) % n];
            if (char.IsAsciiDigit(c)) remainder = (remainder * 10 + (c - '0')) % 97;
            else if (char.IsAsciiLetterUpper(c)) remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            else return false;
        }
        return remainder == 1;
    }

    static bool IsCard(ReadOnlySpan<char> value)
    {
        Span<int> digits = stackalloc int[value.Length];
        var n = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c)) digits[n++] = c - '0';
        }
        if (n is < 13 or > 19) return false;
        if (!digits[..n].ContainsAnyExcept(digits[0])) return false; // 0000 0000 0000 0000 passes Luhn but is a placeholder
        var sum = 0;
        var doubleIt = false;
        for (var i = n - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubleIt) { d *= 2; if (d > 9) d -= 9; }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /// <summary>An SSN as issued: area not 000, 666 or 9xx; group not 00; serial not 0000.</summary>
    static bool IsSsn(string text, int start, int length)
    {
        var v = text.AsSpan(start, length);
        var area = int.Parse(v[..3], CultureInfo.InvariantCulture);
        return area is not (0 or 666) && area < 900 && v.Slice(4, 2) is not "00" && v.Slice(7, 4) is not "0000";
    }

    static bool IsIPv6(string text, int start, int length)
    {
        var value = text.AsSpan(start, length);
        if (value.Count(':') < 2) return false;
        var groups = 0;
        foreach (var range in value.Split(':'))
        {
            if (range.End.Value > range.Start.Value) groups++;
        }
        // At least three groups holding a hex digit, or two around a "::" of which one is longer than a digit or
        // two: rules out "::", C++ scopes and slices such as a[1::2].
        var longGroup = false;
        foreach (var range in value.Split(':'))
        {
            if (range.End.Value - range.Start.Value >= 3) longGroup = true;
        }
        if (groups < 3 && !(groups >= 2 && longGroup && value.Contains("::", StringComparison.Ordinal))) return false;
        return IPAddress.TryParse(value, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    static bool IsIPv4(string text, int start, int length)
    {
        var before = start > 0 ? text[start - 1] : ' ';
        if (before is 'v' or 'V') return false; // v1.2.3.4 is a version
        var preceding = text.AsSpan(0, start).TrimEnd();
        foreach (var word in (ReadOnlySpan<string>)["version", "release", "build", "ver", "ver."])
        {
            if (preceding.EndsWith(word, StringComparison.OrdinalIgnoreCase)
                && (preceding.Length == word.Length || !char.IsLetterOrDigit(preceding[^(word.Length + 1)]))) return false;
        }
        return true;
    }

    static bool IsPhone(string text, int start, int length)
    {
        var digits = 0;
        foreach (var c in text.AsSpan(start, length))
        {
            if (char.IsAsciiDigit(c)) digits++;
        }
        if (digits is < 7 or > 15) return false;
        var from = Math.Max(0, start - 32);
        var preceding = text.AsSpan(from, start - from);
        // "phone no. 555…" is a phone number; "order no. 555…" is not: the nearest telling word decides.
        var context = preceding.ToString();
        var notPhone = NotAPhoneContext().Match(context);
        if (!notPhone.Success) return true;
        var phoneWord = PhoneWord().Match(context);
        return phoneWord.Success && phoneWord.Index > notPhone.Index;
    }

    // A local part and a domain of letters and digits in any script; "localhost" as a domain; labels bounded so a long
    // run of "a.a.a." cannot backtrack far.
    [GeneratedRegex(@"(?<![\p{L}\p{N}_.%+'-])[\p{L}\p{N}][\p{L}\p{N}_.%+'-]{0,63}@(?:localhost(?![\p{L}\p{N}.-])|(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.){1,8}\p{L}{2,24}(?![\p{L}\p{N}_-]))", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // Two letters, two check digits, then 11 to 30 letters or digits, with a space, dot or dash between any.
    [GeneratedRegex(@"(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}(?:[ .-]?[A-Za-z0-9]){11,30}(?![\p{L}\p{N}])", RegexOptions.CultureInvariant)]
    private static partial Regex IbanPattern();

    // 13 to 19 digits, optionally in groups split by a space or a dash; or four dotted groups of four.
    [GeneratedRegex(@"(?<![\d.,]|\d-)(?:\d(?:[ -]?\d){12,18}|\d{4}\.\d{4}\.\d{4}\.\d{1,7})(?![\d.,]\d|\d)", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])", RegexOptions.CultureInvariant)]
    private static partial Regex SsnPattern();

    [GeneratedRegex(@"(?<![0-9A-Fa-f:.-])(?:[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![0-9A-Fa-f:-]|\.[0-9A-Fa-f])", RegexOptions.CultureInvariant)]
    private static partial Regex MacPattern();

    [GeneratedRegex(@"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:%[0-9A-Za-z]+)?(?![\w:]|\.\w)", RegexOptions.CultureInvariant)]
    private static partial Regex IPv6Candidate();

    [GeneratedRegex(@"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)", RegexOptions.CultureInvariant)]
    private static partial Regex IPv4Pattern();

    // International (+ and 7 to 15 digits, grouped or not); North American ((555) 123-4567, 555-123-4567,
    // 555.123.4567, 555 123 4567, 1-800-555-0199, and 5551234567 when its area code starts with 2-9, which a
    // ten-digit Unix time does not); European trunk forms (020 7946 0958, 07700 900123, 06 12 34 56 78);
    // and a bare seven-digit local number written 555-1234.
    [GeneratedRegex(@"(?:(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,5}(?<=\d)|(?<![\w(])\(\d{3}\)[ .-]?\d{3}[ .-]\d{4}|(?<![\w.-])(?:1[ .-])?\d{3}[.-]\d{3}[.-]\d{4}|(?<![\w.-])\d{3} \d{3} \d{4}|(?<![\w.-])1?[2-9]\d{9}|(?<![\w.-])0\d{1,4}[ -]\d{3,4}[ -]\d{3,4}|(?<![\w.-])0\d{2,4}[ -]\d{6,8}|(?<![\w.-])0[1-9](?:[ .-]\d\d){4}|(?<![\w.-])\d{3}-\d{4})(?![\w-]|[.,]\d)", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    // Keys whose shape names them: OpenAI and Anthropic, AWS access key ids, GitHub tokens, Slack tokens, Google API
    // keys, JWTs.
    [GeneratedRegex(@"(?<![A-Za-z0-9_]|[A-Za-z0-9_]-)(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,200}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abposr]-[A-Za-z0-9-]{10,200}|AIza[0-9A-Za-z_-]{35}|eyJ[A-Za-z0-9_-]{5,2000}\.eyJ[A-Za-z0-9_-]{5,4000}\.[A-Za-z0-9_-]{10,2000})(?![A-Za-z0-9_-])", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    // password=…, passwd: …, "api_key": "…", aws_secret_access_key = …: the value only (the name before it is a
    // lookbehind, so the match is the value).
    [GeneratedRegex(@"(?i)(?<=(?<![a-z0-9])(?:password|passwd|pwd|passphrase|secret[_-]?key|client[_-]?secret|api[_-]?key|access[_-]?token|auth[_-]?token|aws_secret_access_key)[""']?\s{0,3}[:=]\s{0,3}[""']?)[^\s""',;]{1,200}", RegexOptions.CultureInvariant)]
    private static partial Regex AssignedSecretPattern();

    // scheme://user:password@host: the user and password (the host is an address of its own).
    [GeneratedRegex(@"(?i)(?<=\b[a-z][a-z0-9+.-]{1,20}://)[^\s/:@]{1,100}(?::[^\s/@]{1,200})?(?=@)", RegexOptions.CultureInvariant)]
    private static partial Regex UrlCredentialsPattern();

    [GeneratedRegex(@"^[A-Za-z_]+(?:\.[A-Za-z_]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex DottedIdentifier();

    [GeneratedRegex(@"(?i)\b(isbn(-1[03])?|order|invoice|ticket|tracking|case|receipt|sku|serial|ref(erence)?|issue|pr|bug|commit|id|pages?|pp)\b", RegexOptions.CultureInvariant | RegexOptions.RightToLeft)]
    private static partial Regex NotAPhoneContext();

    [GeneratedRegex(@"(?i)(phone|tel|mobile|cell|call|fax|whatsapp|text me|sms|téléphone|telefon|teléfono|telefono|handy|portable|numéro|nummer|número)", RegexOptions.CultureInvariant | RegexOptions.RightToLeft)]
    private static partial Regex PhoneWord();
}
