using System.Text;

namespace ShareLM.Ingest.Redaction;

/// <summary>
/// The text as the redaction patterns read it: the compatibility forms that can spell an identifier folded as NFKC
/// folds them (full-width letters, digits and '＠', small form variants), digits of every script made ASCII,
/// zero-width characters and soft hyphens removed, every kind of space made a space and every kind of dash a '-'.
/// The folding is done here, character by character, because the services run with invariant globalization, where
/// <see cref="string.Normalize()"/> does nothing.
/// Each character of the view knows the original character it came from, so a match is replaced in the original
/// and everything that did not match is kept exactly as it was sent. ASCII text is its own view.
/// </summary>
public sealed class MatchingView
{
    readonly string _original;
    readonly int[]? _origin; // the original index of each character of Text; null when Text is the original

    MatchingView(string original, string text, int[]? origin)
    {
        _original = original;
        Text = text;
        _origin = origin;
    }

    public string Text { get; }

    public static MatchingView Of(string text)
    {
        if (!text.AsSpan().ContainsAnyExceptInRange('\0', '\x7f')) return new MatchingView(text, text, null);
        var view = new StringBuilder(text.Length);
        var origin = new List<int>(text.Length);
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            var length = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            if (c < 0x80 || IsStable(c))
            {
                view.Append(c);
                origin.Add(i);
            }
            else if (IsInvisible(c))
            {
                // dropped: a zero-width joiner inside an address must not hide it
            }
            else if (IsSpace(c))
            {
                view.Append(' ');
                origin.Add(i);
            }
            else if (IsDash(c))
            {
                view.Append('-');
                origin.Add(i);
            }
            else
            {
                view.Append(Fold(c));
                origin.Add(i);
                if (length == 2)
                {
                    view.Append(text[i + 1]);
                    origin.Add(i);
                }
            }
            i += length;
        }
        return new MatchingView(text, view.ToString(), [.. origin]);
    }

    /// <summary>One character folded: its ASCII twin where it has one, else itself.</summary>
    static char Fold(char c)
    {
        if (c is >= '\uFF01' and <= '\uFF5E') return (char)(c - 0xFEE0); // full-width ASCII: ＠ ５ ａ ．
        if (System.Globalization.CharUnicodeInfo.GetDecimalDigitValue(c) is var digit and >= 0) return (char)('0' + digit);
        return c switch
        {
            '\uFE50' or '\uFE51' or '\u3001' => ',', // small and ideographic commas
            '\uFE52' or '\u2024' => '.',
            '\uFE55' => ':',
            '\uFE6B' => '@',
            '\uFE62' => '+',
            '\u2474' or '\u207A' or '\u208A' => '+',
            _ => c,
        };
    }

    /// <summary>The original span of the view's characters [start, end).</summary>
    public (int Start, int Length) ToOriginal(int start, int end)
    {
        if (_origin is null) return (start, end - start);
        var from = _origin[start];
        var last = _origin[end - 1];
        var to = last + (char.IsHighSurrogate(_original[last]) && last + 1 < _original.Length ? 2 : 1);
        return (from, to - from);
    }

    /// <summary>Letters of the common scripts that NFKC leaves as they are: no need to normalise them one by one.</summary>
    static bool IsStable(char c) =>
        (c >= 0xC0 && c < 0x2000 && c != 0xAD && !(c is >= '\u0300' and < '\u0370') && c is not ('\u034F' or '\u061C' or '\u180E') && !(c >= 0x1100 && c < 0x1200))
        || c is >= '\u3041' and <= '\u3096' || c is >= '\u30A1' and <= '\u30FA' || c is >= '\u4E00' and <= '\u9FFF' || c is >= '\uAC00' and <= '\uD7A3';

    static bool IsInvisible(char c) => c is '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u180E' or '\u034F' or '\u061C';

    static bool IsSpace(char c) => c is '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200A') or '\u202F' or '\u205F' or '\u3000';

    static bool IsDash(char c) => c is (>= '\u2010' and <= '\u2015') or '\u2212' or '\uFE63' or '\uFF0D';
}
